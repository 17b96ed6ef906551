"""Participant mapping (participants, group tags, relationships, pending imports) and the
charter (versions, endorsements)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

import hsbp.db


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('charter_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('based_on_id', sa.Integer(), nullable=True),
    sa.Column('content', hsbp.db.JSONValue(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', hsbp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('proposed_at', hsbp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('adopted_at', hsbp.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['based_on_id'], ['charter_versions.id'], name=op.f('fk_charter_versions_based_on_id_charter_versions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_charter_versions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_charter_versions_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charter_versions')),
    sa.UniqueConstraint('partnership_id', 'number', name=op.f('uq_charter_versions_partnership_id_number'))
    )
    with op.batch_alter_table('charter_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charter_versions_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('mapping_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', hsbp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_mapping_imports_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mapping_imports_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mapping_imports'))
    )
    with op.batch_alter_table('mapping_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mapping_imports_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('mapping_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('names', hsbp.db.JSONValue(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_mapping_tags_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mapping_tags')),
    sa.UniqueConstraint('partnership_id', 'key', name=op.f('uq_mapping_tags_partnership_id_key'))
    )
    with op.batch_alter_table('mapping_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mapping_tags_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('charter_endorsements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('stance', sa.String(length=10), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', hsbp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_charter_endorsements_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_charter_endorsements_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_charter_endorsements_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['charter_versions.id'], name=op.f('fk_charter_endorsements_version_id_charter_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charter_endorsements')),
    sa.UniqueConstraint('version_id', 'partner_id', name=op.f('uq_charter_endorsements_version_id_partner_id'))
    )
    with op.batch_alter_table('charter_endorsements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charter_endorsements_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_charter_endorsements_version_id'), ['version_id'], unique=False)

    op.create_table('mapping_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('sort_name', sa.String(length=200), nullable=False),
    sa.Column('protected_name', hsbp.db.EncryptedString(length=1000), nullable=False),
    sa.Column('name_hash', sa.String(length=64), nullable=False),
    sa.Column('sector', sa.String(length=32), nullable=False),
    sa.Column('locality', sa.String(length=200), nullable=False),
    sa.Column('languages', hsbp.db.JSONValue(), nullable=False),
    sa.Column('interest', sa.Integer(), nullable=False),
    sa.Column('influence', sa.Integer(), nullable=False),
    sa.Column('phone', hsbp.db.EncryptedString(length=500), nullable=True),
    sa.Column('phone_hash', sa.String(length=64), nullable=True),
    sa.Column('email', hsbp.db.EncryptedString(length=1000), nullable=True),
    sa.Column('intermediary', sa.String(length=200), nullable=False),
    sa.Column('reachable', sa.Boolean(), nullable=False),
    sa.Column('consent_on', sa.Date(), nullable=True),
    sa.Column('consent_method', sa.String(length=20), nullable=False),
    sa.Column('consent_scope', sa.Text(), nullable=False),
    sa.Column('proposed_by_partner_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('validated_by_partner_id', sa.Integer(), nullable=True),
    sa.Column('validated_by_id', sa.Integer(), nullable=True),
    sa.Column('validated_at', hsbp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('risk', sa.String(length=10), nullable=False),
    sa.Column('protective_measures', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('external_ref', sa.String(length=100), nullable=True),
    sa.Column('created_at', hsbp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', hsbp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_mapping_participants_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposed_by_partner_id'], ['partners.id'], name=op.f('fk_mapping_participants_proposed_by_partner_id_partners'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['validated_by_id'], ['users.id'], name=op.f('fk_mapping_participants_validated_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['validated_by_partner_id'], ['partners.id'], name=op.f('fk_mapping_participants_validated_by_partner_id_partners'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mapping_participants')),
    sa.UniqueConstraint('partnership_id', 'external_ref', name=op.f('uq_mapping_participants_partnership_id_external_ref'))
    )
    with op.batch_alter_table('mapping_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mapping_participants_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index('ix_mapping_participants_partnership_name', ['partnership_id', 'sort_name'], unique=False)
        batch_op.create_index('ix_mapping_participants_partnership_name_hash', ['partnership_id', 'name_hash'], unique=False)
        batch_op.create_index('ix_mapping_participants_partnership_phone', ['partnership_id', 'phone_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_mapping_participants_proposed_by_partner_id'), ['proposed_by_partner_id'], unique=False)

    op.create_table('mapping_participant_tags',
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['mapping_participants.id'], name=op.f('fk_mapping_participant_tags_participant_id_mapping_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['mapping_tags.id'], name=op.f('fk_mapping_participant_tags_tag_id_mapping_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('participant_id', 'tag_id', name=op.f('pk_mapping_participant_tags'))
    )
    with op.batch_alter_table('mapping_participant_tags', schema=None) as batch_op:
        batch_op.create_index('ix_mapping_participant_tags_tag_id', ['tag_id'], unique=False)

    op.create_table('mapping_relationships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', hsbp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_mapping_relationships_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['mapping_participants.id'], name=op.f('fk_mapping_relationships_source_id_mapping_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_id'], ['mapping_participants.id'], name=op.f('fk_mapping_relationships_target_id_mapping_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mapping_relationships')),
    sa.UniqueConstraint('source_id', 'target_id', 'kind', name=op.f('uq_mapping_relationships_source_id_target_id_kind'))
    )
    with op.batch_alter_table('mapping_relationships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mapping_relationships_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mapping_relationships_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mapping_relationships_target_id'), ['target_id'], unique=False)



def downgrade():
    with op.batch_alter_table('mapping_relationships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mapping_relationships_target_id'))
        batch_op.drop_index(batch_op.f('ix_mapping_relationships_source_id'))
        batch_op.drop_index(batch_op.f('ix_mapping_relationships_partnership_id'))

    op.drop_table('mapping_relationships')
    with op.batch_alter_table('mapping_participant_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_mapping_participant_tags_tag_id')

    op.drop_table('mapping_participant_tags')
    with op.batch_alter_table('mapping_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mapping_participants_proposed_by_partner_id'))
        batch_op.drop_index('ix_mapping_participants_partnership_phone')
        batch_op.drop_index('ix_mapping_participants_partnership_name_hash')
        batch_op.drop_index('ix_mapping_participants_partnership_name')
        batch_op.drop_index(batch_op.f('ix_mapping_participants_partnership_id'))

    op.drop_table('mapping_participants')
    with op.batch_alter_table('charter_endorsements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charter_endorsements_version_id'))
        batch_op.drop_index(batch_op.f('ix_charter_endorsements_partnership_id'))

    op.drop_table('charter_endorsements')
    with op.batch_alter_table('mapping_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mapping_tags_partnership_id'))

    op.drop_table('mapping_tags')
    with op.batch_alter_table('mapping_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mapping_imports_partnership_id'))

    op.drop_table('mapping_imports')
    with op.batch_alter_table('charter_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charter_versions_partnership_id'))

    op.drop_table('charter_versions')
