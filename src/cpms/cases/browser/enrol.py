"""Enrolling a case on one page: the case's facts, its care consent, files, submit.

``@@new-case`` (on the site) creates a case in /cases; ``@@edit-case`` (on a
case) changes one, and records its consent if it has none yet. Both are the
same form (``CaseForm``) with every field on one page: no tab hides the coded
diagnosis, required choices start at "Choose..." instead of a silent default,
the referring clinician and centre come from the user, and choosing a
consent form fills its language and version on the server.

Values are checked with the Case and ConsentRecord schemas themselves (their
constraints and invariants), so the messages are the same as in REST and in
Plone's forms. Every error is listed at the top, with a link to its field,
and at the field; what was typed is shown again. Files are checked with the
MedicalFile schema; a browser cannot be given a file back, so after an error
the form says to choose them again.

"Submit the case" saves and submits at once: with the consent on the same
page, a clinician enrols, records the consent and submits in one form.
"""

import contextlib
import json
import re
from datetime import date

import transaction
from plone import api
from plone.namedfile.file import NamedBlobFile
from plone.protect import CheckAuthenticator
from Products.CMFCore.WorkflowCore import WorkflowException
from Products.Five.browser import BrowserView
from zExceptions import Unauthorized
from zope.component import getUtility
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent
from zope.schema import ValidationError
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.interfaces import RequiredMissing
from zope.schema.interfaces import WrongContainedType

from cpms import _
from cpms.cases import states
from cpms.cases.browser import workspace
from cpms.cases.case_id import create_case
from cpms.cases.content.case import ICase
from cpms.cases.setup import CASES_FOLDER
from cpms.cases.workflow import CONSENT_KIND_CARE
from cpms.cases.workflow import valid_care_consents
from cpms.coding.validation import orpha_refusal
from cpms.core import permissions
from cpms.core.concurrency import changed_fields
from cpms.core.concurrency import shown_value
from cpms.core.concurrency import value_digest
from cpms.core.concurrency import version_digests
from cpms.core.concurrency import version_of
from cpms.core.i18n import translate_here
from cpms.core.users import fullname
from cpms.core.validation import FieldError
from cpms.network.content.healthcare_provider import providers_of

# The case's fields on the form, in order (the referring clinician and
# centre come from the user, the case id is generated).
CHOICES = ("sex", "age_band", "expertise_area")
CODES = {
    "orpha_codes": "cpms.vocabularies.orpha_diseases",
    "hpo_terms": "cpms.vocabularies.hpo_terms",
    "icd10_codes": None,
}
TEXTS = ("nickname", "clinical_summary", "clinical_question")
# How to fix a required field left empty, after its name.
HOW_TO_FILL = {
    "nickname": _("give a pseudonym for the patient, e.g. Blue Heron."),
    "sex": _("choose one (Unknown if it is not known)."),
    "expertise_area": _("choose the expertise area the case belongs to."),
    "referring_hcp": _("choose your centre."),
    "clinical_summary": _("describe the history, findings and treatments so far."),
    "clinical_question": _("write what you ask the panel."),
}
CODE_HELP = {
    "orpha_codes": _(
        "type a disease name and choose it from the list, or give its "
        "ORPHAcode (ORPHA:93930)."
    ),
    "hpo_terms": _(
        "type a sign or symptom and choose it from the list, or give its HPO "
        "id (HP:0000252)."
    ),
}
SPLIT = re.compile(r"[;,\n]+")
OTHER_FORM = "other"


class CaseForm(BrowserView):
    """The one-page case form: new (on the site) or edit (on a case)."""

    def __call__(self):
        self.errors = {}
        self.files_dropped = False
        self.check_allowed()
        form = self.request.form
        if self.request.method == "POST" and (
            form.get("form.save") or form.get("form.submit")
        ):
            CheckAuthenticator(self.request)
            result = self.handle(submit=bool(form.get("form.submit")))
            if result is not None:
                return result
        return self.index()

    # --- where and who -----------------------------------------------------

    @property
    def case(self):
        return self.context if ICase.providedBy(self.context) else None

    def cases_folder(self):
        return api.portal.get()[CASES_FOLDER]

    def check_allowed(self):
        if self.case is None:
            if not api.user.has_permission(
                permissions.ADD_CASE, obj=self.cases_folder()
            ):
                raise Unauthorized(_("You may not enrol cases."))
        elif not api.user.has_permission(
            permissions.MODIFY_PORTAL_CONTENT, obj=self.case
        ):
            raise Unauthorized(_("You may not change this case."))

    def title(self):
        if self.case is None:
            return _("New case")
        return _("Edit case ${case}", mapping={"case": self.case.Title()})

    def userid(self):
        return api.user.get_current().getId()

    def clinician_name(self):
        if self.case is not None:
            return fullname(self.case.referring_clinician)
        return fullname(self.userid())

    # --- the vocabularies, as options ---------------------------------------

    def _vocabulary(self, name):
        field = ICase[name]
        context = self.case or self.cases_folder()
        return field.bind(context).vocabulary

    def options(self, name):
        """[{token, title, selected}] of a choice field, for a select box."""
        current = self.value(name)
        return [
            {
                "token": term.token,
                "title": term.title or term.token,
                "selected": term.value == current or term.token == current,
            }
            for term in self._vocabulary(name)
        ]

    def own_providers(self):
        """The user's centres (their ``hcp-<provider>`` groups)."""
        return providers_of(self.userid())

    def provider_choice(self):
        """None when the centre is the user's only one (shown, not chosen);
        else the options to choose from (the user's centres, or all).
        A case keeps its centre; one without (a referred case) gets one here."""
        if self.case is not None and self.case.referring_hcp:
            return None
        own = self.own_providers()
        if len(own) == 1:
            return None
        current = self.value("referring_hcp")
        vocabulary = self._vocabulary("referring_hcp")
        uids = {p.UID() for p in own}
        return [
            {
                "token": term.token,
                "title": term.title,
                "selected": term.value == current or term.token == current,
            }
            for term in vocabulary
            if not uids or term.value in uids
        ]

    def provider_name(self):
        if self.case is not None and self.case.referring_hcp:
            uid = self.case.referring_hcp
        else:
            own = self.own_providers()
            uid = own[0].UID() if len(own) == 1 else None
        if not uid:
            return ""
        try:
            return self._vocabulary("referring_hcp").getTerm(uid).title
        except LookupError:
            return ""

    # --- values: what was typed, or what the case holds ----------------------

    def value(self, name):
        form = self.request.form
        if self.request.method == "POST" and f"field.{name}" in form:
            return form[f"field.{name}"]
        if self.request.method == "POST" and name == "urgent":
            return bool(form.get("field.urgent"))
        if self.case is not None:
            value = getattr(self.case, name, None)
            return "" if value is None else value
        return ""

    def codes_value(self, name):
        value = self.value(name)
        if isinstance(value, list | tuple):
            return ";".join(value)
        return value or ""

    def widget_options(self, name):
        """pat-select2 options: a searchable tag box for each coded field."""
        options = {
            "separator": ";",
            "orderable": True,
            "multiple": True,
            "width": "100%",
        }
        vocabulary_name = CODES[name] or "cpms.vocabularies.icd10_codes"
        base = (
            self.case.absolute_url()
            if self.case is not None
            else f"{self.cases_folder().absolute_url()}/++add++Case"
        )
        options.update(
            vocabularyUrl=(
                f"{base}/@@getVocabulary?name={vocabulary_name}&field={name}"
            ),
            minimumInputLength=2,
        )
        if CODES[name]:
            options["allowNewItems"] = False
        else:
            # ICD-10: searched in the WHO list by code or title; a typed code
            # is kept too (national extensions such as Q54.10), and checked
            # when the form is sent.
            options.update(allowNewItems=True, tokenSeparators=[",", ";"])
        vocabulary = self._vocabulary_named(vocabulary_name)
        initial = {}
        for code in self._split(self.codes_value(name)):
            try:
                initial[code] = vocabulary.getTerm(code).title
            except LookupError:
                initial[code] = code
        if initial:
            options["initialValues"] = initial
        return json.dumps(options)

    def _vocabulary_named(self, name):
        return getUtility(IVocabularyFactory, name)(self.context)

    @staticmethod
    def _split(text):
        return [part.strip() for part in SPLIT.split(text or "") if part.strip()]

    # --- the consent ----------------------------------------------------------

    def needs_consent(self):
        """The consent part is shown while the case has no valid care consent."""
        if self.case is None:
            return True
        return not valid_care_consents(self.case) and workspace.can_add(
            self.case, "ConsentRecord"
        )

    def recorded_consent(self):
        if self.case is None:
            return None
        consents = valid_care_consents(self.case)
        return consents[0] if consents else None

    def consent_forms(self):
        """The care consent forms of /consent-forms, with language and version."""
        current = self.request.form.get("consent.form", "")
        found = []
        languages = self._vocabulary_named("cpms.vocabularies.consent_languages")
        for brain in api.content.find(
            portal_type="ConsentForm", sort_on="sortable_title"
        ):
            obj = brain.getObject()
            if getattr(obj, "kind", None) != CONSENT_KIND_CARE:
                continue
            try:
                language = languages.getTerm(obj.form_language).title
            except LookupError:
                language = obj.form_language
            found.append(
                {
                    "uid": brain.UID,
                    "title": f"{brain.Title} ({language}, version {obj.version})",
                    "selected": current == brain.UID,
                }
            )
        return found

    def consent_languages(self):
        current = self.request.form.get("consent.language", "")
        return [
            {"token": t.token, "title": t.title, "selected": t.token == current}
            for t in self._vocabulary_named("cpms.vocabularies.consent_languages")
        ]

    def today(self):
        return date.today().isoformat()

    # --- handling the form ----------------------------------------------------

    def error(self, name):
        return self.errors.get(name, "")

    def error_list(self):
        order = [
            "nickname",
            "sex",
            "year_of_birth",
            "age_band",
            "referring_hcp",
            "expertise_area",
            "urgent",
            "orpha_codes",
            "icd10_codes",
            "hpo_terms",
            "clinical_summary",
            "clinical_question",
            "consent.form",
            "consent.language",
            "consent.version",
            "consent.date",
            "files",
            "form",
        ]
        return [
            {"name": name, "message": self.errors[name]}
            for name in order
            if name in self.errors
        ]

    def _field_message(self, name, error):
        title = translate_here(ICase[name].title)
        if isinstance(error, RequiredMissing):
            return translate_here(
                _(
                    "${field}: ${how}",
                    mapping={
                        "field": title,
                        "how": HOW_TO_FILL.get(name, _("fill it in.")),
                    },
                )
            )
        if isinstance(error, WrongContainedType) and error.errors:
            # zope.schema says only "Wrong contained type": say which entry.
            error = error.errors[0]
        if isinstance(error, FieldError):
            return translate_here(error.doc())  # it names the field already
        if isinstance(error, ValidationError):
            message = error.doc()
            return message if message.startswith(title) else f"{title}: {message}"
        return f"{title}: {error}"

    def parse_case(self):
        """The case's values from the form, checked; errors go to self.errors."""
        form = self.request.form
        context = self.case or self.cases_folder()
        values = {}
        for name in TEXTS:
            values[name] = (form.get(f"field.{name}") or "").strip() or None
        for name in CHOICES:
            token = form.get(f"field.{name}") or ""
            values[name] = None
            if token:
                try:
                    values[name] = self._vocabulary(name).getTermByToken(token).value
                except LookupError:
                    self.errors[name] = translate_here(
                        _(
                            "${field}: choose one of the values in the list.",
                            mapping={"field": ICase[name].title},
                        )
                    )
        year = (form.get("field.year_of_birth") or "").strip()
        values["year_of_birth"] = None
        if year:
            if year.isdigit():
                values["year_of_birth"] = int(year)
            else:
                self.errors["year_of_birth"] = translate_here(
                    _("Year of birth: give the year as four digits, e.g. 2019.")
                )
        values["urgent"] = bool(form.get("field.urgent"))
        for name, vocabulary_name in CODES.items():
            codes = self._split(form.get(f"field.{name}"))
            if vocabulary_name:
                vocabulary = self._vocabulary_named(vocabulary_name)
                cleaned = []
                for code in codes:
                    code = code.upper()
                    if name == "orpha_codes" and code.isdigit():
                        code = f"ORPHA:{code}"
                    if code not in vocabulary:
                        # an ORPHAcode Orphanet retired: say which replaced it
                        refusal = orpha_refusal(code) if name == "orpha_codes" else None
                        self.errors[name] = translate_here(
                            refusal
                            or _(
                                "${field}: '${code}' is not known; ${help}",
                                mapping={
                                    "field": ICase[name].title,
                                    "code": code,
                                    "help": CODE_HELP[name],
                                },
                            )
                        )
                    cleaned.append(code)
                codes = cleaned
            else:
                codes = [code.upper() for code in codes]
            values[name] = list(dict.fromkeys(codes))
        if self.case is None:
            values["referring_clinician"] = self.userid()
        if self.case is None or not self.case.referring_hcp:
            own = self.own_providers()
            if len(own) == 1:
                values["referring_hcp"] = own[0].UID()
            else:
                token = form.get("field.referring_hcp") or ""
                values["referring_hcp"] = None
                if token:
                    with contextlib.suppress(LookupError):
                        vocabulary = self._vocabulary("referring_hcp")
                        values["referring_hcp"] = vocabulary.getTermByToken(token).value
        for name, value in values.items():
            if name in self.errors:
                continue
            field = ICase[name].bind(context)
            try:
                if value is None or value == []:
                    if field.required:
                        raise RequiredMissing(name)
                    continue
                field.validate(value)
            except ValidationError as error:
                self.errors[name] = self._field_message(name, error)
        no_age = not values.get("year_of_birth") and not values.get("age_band")
        if no_age and "year_of_birth" not in self.errors:
            self.errors["year_of_birth"] = translate_here(
                _("Year of birth or age band: give at least one of them.")
            )
        return values

    def parse_consent(self, required):
        """The care consent's values, or None when none is given."""
        form = self.request.form
        uid = form.get("consent.form") or ""
        consent_date = (form.get("consent.date") or "").strip()
        language = form.get("consent.language") or ""
        version = (form.get("consent.version") or "").strip()
        if not uid and not consent_date:
            if required:
                self.errors["consent.form"] = translate_here(
                    _(
                        "Care consent: choose the consent form the patient signed "
                        "and give the date of consent. A case is submitted only "
                        "with it; use Save as draft to add it later."
                    )
                )
            return None
        values = {"kind": CONSENT_KIND_CARE, "recorded_by": self.userid()}
        if uid and uid != OTHER_FORM:
            brains = api.content.find(portal_type="ConsentForm", UID=uid)
            if not brains:
                self.errors["consent.form"] = translate_here(
                    _("Care consent form: choose one of the forms in the list.")
                )
                return None
            chosen = brains[0].getObject()
            # The form says its own language and version: nothing to type.
            values.update(
                consent_form=uid,
                consent_language=chosen.form_language,
                consent_version=chosen.version,
            )
        else:
            if not uid:
                self.errors["consent.form"] = translate_here(
                    _(
                        "Care consent form: choose the form the patient signed, "
                        "or 'Another form' and give its language and version."
                    )
                )
            if not language:
                self.errors["consent.language"] = translate_here(
                    _(
                        "Language of the consent form: choose the language of the "
                        "form the patient signed."
                    )
                )
            if not version:
                self.errors["consent.version"] = translate_here(
                    _(
                        "Version of the consent form: give it as printed on the "
                        "form, e.g. 2.1."
                    )
                )
            values.update(consent_language=language, consent_version=version)
        if not consent_date:
            self.errors["consent.date"] = translate_here(
                _("Date of consent: give the date the patient signed the form.")
            )
        else:
            try:
                values["consent_date"] = date.fromisoformat(consent_date)
            except ValueError:
                self.errors["consent.date"] = translate_here(
                    _("Date of consent: give a date as YYYY-MM-DD, e.g. 2026-01-12.")
                )
        schema = _schema("ConsentRecord")
        for name in ("consent_date", "consent_version"):
            if name in values and not self.errors.get(
                f"consent.{name.removeprefix('consent_')}"
            ):
                try:
                    schema[name].validate(values[name])
                except ValidationError as error:
                    key = f"consent.{name.removeprefix('consent_')}"
                    self.errors[key] = error.doc()
        return values

    def parse_files(self):
        files = self.request.form.get("files") or []
        if not isinstance(files, list):
            files = [files]
        field = _schema("MedicalFile")["file"]
        found = []
        for upload in files:
            filename = getattr(upload, "filename", "") or ""
            if not filename:
                continue
            data = upload.read()
            value = NamedBlobFile(data=data, filename=filename)
            try:
                field.validate(value)
            except ValidationError as error:
                self.errors["files"] = translate_here(
                    _(
                        "Files: ${name} is refused. ${reason}",
                        mapping={"name": filename, "reason": error.doc()},
                    )
                )
                continue
            found.append(value)
        return found

    def handle(self, submit):
        values = self.parse_case()
        consent = None
        if self.needs_consent():
            consent = self.parse_consent(required=submit)
        files = self.parse_files()
        if self.errors:
            if self.request.form.get("files"):
                self.files_dropped = any(
                    getattr(f, "filename", "")
                    for f in (
                        self.request.form["files"]
                        if isinstance(self.request.form["files"], list)
                        else [self.request.form["files"]]
                    )
                )
            return None
        if self.case is None:
            case = create_case(self.cases_folder(), **values)
            message = translate_here(
                _("Case ${case} is saved as a draft.", mapping={"case": case.Title()})
            )
        else:
            case = self.case
            if self.changed_meanwhile(values):
                return None
            for name, value in values.items():
                setattr(case, name, value)
            notify(ObjectModifiedEvent(case))
            case.reindexObject()
            message = translate_here(_("Your changes are saved."))
        if consent is not None:
            api.content.create(
                container=case, type="ConsentRecord", title="Care consent", **consent
            )
        for value in files:
            api.content.create(
                container=case, type="MedicalFile", title=value.filename, file=value
            )
        if files:
            message += " " + translate_here(
                _("${count} file(s) added.", mapping={"count": len(files)})
            )
        if submit:
            return self.submit(case, message)
        api.portal.show_message(message, self.request)
        return self.request.response.redirect(case.absolute_url())

    def submit(self, case, message):
        if states.SUBMIT not in workspace.available_transitions(case):
            api.portal.show_message(message, self.request)
            return self.request.response.redirect(case.absolute_url())
        savepoint = transaction.savepoint(optimistic=True)
        try:
            api.portal.get_tool("portal_workflow").doActionFor(case, states.SUBMIT)
        except WorkflowException:
            savepoint.rollback()
            api.portal.show_message(message, self.request)
            return self.request.response.redirect(
                f"{case.absolute_url()}?refused={states.SUBMIT}#next-step"
            )
        api.portal.show_message(
            _(
                "Case ${case} is submitted: the coordinators are told.",
                mapping={"case": case.Title()},
            ),
            self.request,
        )
        return self.request.response.redirect(case.absolute_url())

    # --- someone else changed the case while this form was open ---------------

    def version(self):
        """The version of the case this form was filled from (an edit).

        Sent back with the form, it tells which fields someone else changed
        meanwhile (cpms.core.concurrency).
        """
        if self.case is None:
            return ""
        return (
            getattr(self, "_version", None)
            or self.request.form.get("field.version")
            or version_of(self.case)
        )

    def changed_meanwhile(self, values) -> bool:
        """Keep what someone else changed since the form was filled.

        A field they changed and this user left as it was keeps their value;
        a field both changed is not saved over theirs: the form comes back
        with what was typed, the field says what it holds now, and saving
        again replaces it.
        """
        filled_from = self.request.form.get("field.version") or ""
        before = version_digests(self.case, filled_from)
        changed = changed_fields(self.case, filled_from)
        if before is None or not changed:
            return False
        clashes = []
        for name in changed:
            if name not in values:
                continue
            if value_digest(values[name]) == before[name]:
                del values[name]  # left as it was: theirs stays
            else:
                clashes.append(name)
        if not clashes:
            return False
        for name in clashes:
            self.errors[name] = translate_here(
                _(
                    "${field}: someone else changed it while you were editing, "
                    "to ${value}. What you typed is kept here: save again to "
                    "replace theirs, or change it.",
                    mapping={
                        "field": ICase[name].title,
                        "value": shown_value(self.case, name),
                    },
                )
            )
        self.errors["form"] = translate_here(
            _(
                "Not saved: someone else changed this case while you were editing "
                "it. What you typed is kept; the fields both of you changed say "
                "what they hold now."
            )
        )
        self._version = version_of(self.case)  # saving again replaces theirs
        return True

    def can_submit(self):
        if self.case is None:
            return True
        return states.SUBMIT in workspace.available_transitions(self.case)


def _schema(portal_type):
    fti = api.portal.get_tool("portal_types")[portal_type]
    return fti.lookupSchema()


class EnrolHelper(BrowserView):
    """``@@cpms-enrol``: whether the user may enrol a case, and where.

    For the "New case" buttons of other pages (My cases, the front page),
    which only need to know whether to show them.
    """

    def available(self):
        if api.user.is_anonymous():
            return False
        folder = api.portal.get().get(CASES_FOLDER)
        return folder is not None and bool(
            api.user.has_permission(permissions.ADD_CASE, obj=folder)
        )

    def url(self):
        return f"{api.portal.get().absolute_url()}/@@new-case"
