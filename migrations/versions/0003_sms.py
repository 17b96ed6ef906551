"""The SMS channel: contacts, consent history, senders, inbound and outbound messages,
broadcasts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

import hsbp.db


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sms_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone', hsbp.db.EncryptedString(length=500), nullable=False),
    sa.Column('phone_hash', sa.String(length=64), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=True),
    sa.Column('opted_out', sa.Boolean(), nullable=False),
    sa.Column('awaiting', sa.String(length=40), nullable=False),
    sa.Column('last_options_reply_at', hsbp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', hsbp.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_contacts')),
    sa.UniqueConstraint('phone_hash', name=op.f('uq_sms_contacts_phone_hash'))
    )
    op.create_table('sms_broadcasts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('bodies', hsbp.db.JSONValue(), nullable=False),
    sa.Column('audience', hsbp.db.JSONValue(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', hsbp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_sms_broadcasts_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_sms_broadcasts_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_broadcasts'))
    )
    with op.batch_alter_table('sms_broadcasts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sms_broadcasts_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('sms_inbound',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_sid', sa.String(length=64), nullable=False),
    sa.Column('from_phone', hsbp.db.EncryptedString(length=500), nullable=False),
    sa.Column('from_hash', sa.String(length=64), nullable=False),
    sa.Column('to_number', sa.String(length=40), nullable=False),
    sa.Column('body', hsbp.db.EncryptedText(), nullable=False),
    sa.Column('received_at', hsbp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('partnership_id', sa.Integer(), nullable=True),
    sa.Column('route', sa.String(length=40), nullable=False),
    sa.Column('in_inbox', sa.Boolean(), nullable=False),
    sa.Column('handled_at', hsbp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['sms_contacts.id'], name=op.f('fk_sms_inbound_contact_id_sms_contacts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_sms_inbound_handled_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_sms_inbound_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_inbound')),
    sa.UniqueConstraint('provider_sid', name=op.f('uq_sms_inbound_provider_sid'))
    )
    with op.batch_alter_table('sms_inbound', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sms_inbound_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sms_inbound_from_hash'), ['from_hash'], unique=False)
        batch_op.create_index('ix_sms_inbound_inbox', ['partnership_id', 'in_inbox', 'received_at'], unique=False)

    op.create_table('sms_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('sender', sa.String(length=40), nullable=False),
    sa.Column('join_code', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_sms_settings_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_settings')),
    sa.UniqueConstraint('join_code', name=op.f('uq_sms_settings_join_code')),
    sa.UniqueConstraint('partnership_id', name=op.f('uq_sms_settings_partnership_id'))
    )
    with op.batch_alter_table('sms_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sms_settings_sender'), ['sender'], unique=False)

    op.create_table('sms_consent_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=True),
    sa.Column('event', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('inbound_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', hsbp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['sms_contacts.id'], name=op.f('fk_sms_consent_events_contact_id_sms_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['inbound_id'], ['sms_inbound.id'], name=op.f('fk_sms_consent_events_inbound_id_sms_inbound'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_sms_consent_events_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_sms_consent_events_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_consent_events'))
    )
    with op.batch_alter_table('sms_consent_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sms_consent_events_contact_id'), ['contact_id'], unique=False)

    op.create_table('sms_outbound',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('sender', sa.String(length=40), nullable=False),
    sa.Column('body', hsbp.db.EncryptedText(), nullable=False),
    sa.Column('encoding', sa.String(length=8), nullable=False),
    sa.Column('segments', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('provider_sid', sa.String(length=64), nullable=True),
    sa.Column('error_code', sa.Integer(), nullable=True),
    sa.Column('error_message', sa.Text(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('broadcast_id', sa.Integer(), nullable=True),
    sa.Column('reply_to_id', sa.Integer(), nullable=True),
    sa.Column('created_at', hsbp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', hsbp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', hsbp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['broadcast_id'], ['sms_broadcasts.id'], name=op.f('fk_sms_outbound_broadcast_id_sms_broadcasts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contact_id'], ['sms_contacts.id'], name=op.f('fk_sms_outbound_contact_id_sms_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_sms_outbound_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reply_to_id'], ['sms_inbound.id'], name=op.f('fk_sms_outbound_reply_to_id_sms_inbound'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_outbound')),
    sa.UniqueConstraint('provider_sid', name=op.f('uq_sms_outbound_provider_sid'))
    )
    with op.batch_alter_table('sms_outbound', schema=None) as batch_op:
        batch_op.create_index('ix_sms_outbound_broadcast_status', ['broadcast_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_sms_outbound_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sms_outbound_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('sms_contact_memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('joined_at', hsbp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['sms_contacts.id'], name=op.f('fk_sms_contact_memberships_contact_id_sms_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['mapping_participants.id'], name=op.f('fk_sms_contact_memberships_participant_id_mapping_participants'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_sms_contact_memberships_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_contact_memberships')),
    sa.UniqueConstraint('contact_id', 'partnership_id', name=op.f('uq_sms_contact_memberships_contact_id_partnership_id'))
    )
    with op.batch_alter_table('sms_contact_memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sms_contact_memberships_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sms_contact_memberships_partnership_id'), ['partnership_id'], unique=False)



def downgrade():
    with op.batch_alter_table('sms_contact_memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sms_contact_memberships_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_sms_contact_memberships_participant_id'))

    op.drop_table('sms_contact_memberships')
    with op.batch_alter_table('sms_outbound', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sms_outbound_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_sms_outbound_contact_id'))
        batch_op.drop_index('ix_sms_outbound_broadcast_status')

    op.drop_table('sms_outbound')
    with op.batch_alter_table('sms_consent_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sms_consent_events_contact_id'))

    op.drop_table('sms_consent_events')
    with op.batch_alter_table('sms_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sms_settings_sender'))

    op.drop_table('sms_settings')
    with op.batch_alter_table('sms_inbound', schema=None) as batch_op:
        batch_op.drop_index('ix_sms_inbound_inbox')
        batch_op.drop_index(batch_op.f('ix_sms_inbound_from_hash'))
        batch_op.drop_index(batch_op.f('ix_sms_inbound_contact_id'))

    op.drop_table('sms_inbound')
    with op.batch_alter_table('sms_broadcasts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sms_broadcasts_partnership_id'))

    op.drop_table('sms_broadcasts')
    op.drop_table('sms_contacts')
