"""The error summary at the top of a form names every field's error, those of fields the
page does not show included, so a refusal is never silent."""

from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import FieldList, FormField, HiddenField, StringField
from wtforms import Form as InnerForm

from hsbp.errors import ServiceError, apply_error, apply_to_form

SUMMARY = '{% from "macros/forms.html" import form_errors %}{{ form_errors(form) }}'


class Option(InnerForm):
    label = StringField("Label")


class Sample(FlaskForm):
    class Meta:
        csrf = False

    name = StringField("Name")
    chosen = HiddenField("Chosen partner")
    options = FieldList(FormField(Option), min_entries=2)


def summary(app, fill) -> str:
    with app.test_request_context("/"):
        form = Sample(data={})
        fill(form)
        return render_template_string(SUMMARY, form=form)


def test_an_error_of_a_field_not_shown_is_named_at_the_top(app):
    def fill(form):
        apply_error(form, ServiceError("Choose a partner of this partnership.", field="chosen"))

    html = summary(app, fill)
    assert '<div class="error-summary" role="alert">' in html
    assert "<p>Please correct the fields marked below.</p>" in html
    named = "Chosen partner: Choose a partner of this partnership."
    assert f'<li><a href="#chosen">{named}</a></li>' in html


def test_errors_inside_lists_of_sub_forms_are_named_too(app):
    def fill(form):
        form.options.entries[1].form.label.errors = ["Too long."]
        apply_to_form(form, ServiceError("Give a name.", field="name"))

    html = summary(app, fill)
    assert '<li><a href="#name">Name: Give a name.</a></li>' in html
    assert '<li><a href="#options-1-label">Label: Too long.</a></li>' in html


def test_a_form_without_errors_has_no_summary(app):
    assert summary(app, lambda form: None).strip() == ""
