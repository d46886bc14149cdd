"""Demo public content: guides, common problems, newsletter issues, consent forms.

All text is written for this fictional demo network; the PDFs are generated
here with fpdf2.  Every item is published through cpms_publication_workflow
(submit, then publish) and tagged with ``DEMO_TAG``.
"""

from datetime import date

from fpdf import FPDF
from plone import api
from plone.app.textfield.value import RichTextValue
from plone.namedfile.file import NamedBlobFile
from z3c.relationfield import RelationValue
from zope.component import getUtility
from zope.event import notify
from zope.intid.interfaces import IIntIds
from zope.lifecycleevent import ObjectModifiedEvent

from cpms.core import roles
from cpms.demo import DEMO_TAG
from cpms.public import consent_pdf
from cpms.public import states
from cpms.public.vocabularies import EU_LANGUAGES
from cpms.public.vocabularies import language_name


def _html(text: str) -> RichTextValue:
    return RichTextValue(text.strip(), "text/html", "text/x-html-safe")


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF, clearly marked as a demo document."""
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.multi_cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=11)
    pdf.ln(4)
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.ln(6)
    pdf.set_font("helvetica", "I", 9)
    pdf.multi_cell(0, 5, "DEMO DOCUMENT of a fictional network. Not for clinical use.")
    return bytes(pdf.output())


GUIDES = [
    {
        "id": "get-eu-login-and-request-access",
        "title": "Get an EU Login account and request access (demo)",
        "description": "From your first EU Login account to an authorised "
        "account on the portal, in five steps.",
        "audience": {"healthcare-professionals"},
        "steps": """
<ol>
<li>Create an EU Login account with your professional e-mail address and
confirm it from the message EU Login sends you.</li>
<li>Turn on two-step verification in EU Login (the mobile app or a security
key): the portal accepts only verified sign-ins for clinical data.</li>
<li>Open the portal and choose <strong>Log in</strong>. The first time, the
portal knows your name and address but not your role.</li>
<li>Fill in the access request: your healthcare provider, your speciality and
the profile you need (clinician, panel lead, coordinator).</li>
<li>Your network coordinator checks the request against the member list and
approves it; you get an e-mail and can enrol patients from then on.</li>
</ol>
""",
        "related": ["set-up-a-patient-panel"],
        "attachment": (
            "Access checklist (demo)",
            "access-checklist.pdf",
            [
                "Before you request access, have ready:",
                "- an EU Login account with two-step verification;",
                "- the name of your member healthcare provider;",
                "- your speciality and the expertise area you work in;",
                "- the profile you need on the portal.",
            ],
        ),
    },
    {
        "id": "set-up-a-patient-panel",
        "title": "Set up a patient panel (demo)",
        "description": "Enrol a pseudonymised case, record the consent and "
        "invite the experts who will advise you.",
        "audience": {"healthcare-professionals", "panel-leads"},
        "steps": """
<ol>
<li>Print the care consent form in the patient's language from
<em>Consent forms</em>, explain it and have it signed.</li>
<li>Create a case: a nickname, sex, year of birth or age band, the diagnosis
codes and the question you want answered. Never enter a name, address or
national number.</li>
<li>Record the consent on the case: which form, its version and the date.</li>
<li>Upload the records the panel needs (reports, images), with identifiers
removed.</li>
<li>Submit the case. The coordinator checks it and names a panel lead, who
invites the experts.</li>
</ol>
""",
        "related": [
            "join-panels-and-video-meetings",
            "get-eu-login-and-request-access",
        ],
    },
    {
        "id": "join-panels-and-video-meetings",
        "title": "Join panels and their video meetings (demo)",
        "description": "Accept an invitation, contribute your opinion and "
        "take part in the panel's video meeting.",
        "audience": {"healthcare-professionals", "panel-leads"},
        "steps": """
<ol>
<li>Open the invitation e-mail and follow the link to the case; accept or
decline within the time the panel lead asked for.</li>
<li>Read the summary, the question and the records, then write your
contribution on the case.</li>
<li>Add the meeting to your calendar from the case page (iCal file).</li>
<li>At the meeting time, open the video room link on the case page with a
current browser and allow camera and microphone.</li>
<li>After the meeting, the panel lead drafts the outcome report; read it and
comment before it is signed.</li>
</ol>
""",
        "related": ["set-up-a-patient-panel"],
    },
    {
        "id": "refer-a-patient-from-outside",
        "title": "Refer a patient from outside the network (demo)",
        "description": "How a clinician who is not a member asks the network's "
        "experts for advice, and what happens next.",
        "audience": {"referring-clinicians"},
        "steps": """
<ol>
<li>Check the conditions on the <em>Refer a case</em> page: your hospital is
in an EU or EEA country and the condition is in the network's expertise
areas.</li>
<li>Fill in the referral form without any patient identifier.</li>
<li>A coordinator reviews the request and may ask you for more
information.</li>
<li>If it is accepted, you get a time-limited guest access to the case that
is opened for your patient.</li>
</ol>
""",
        "related": ["set-up-a-patient-panel"],
    },
]

FAQS = [
    (
        "eu-login-code-not-arriving",
        "eu-login",
        "The EU Login verification code never arrives. What can I do? (demo)",
        "<p>Check your spam folder first. If you use the mobile app, make sure "
        "the phone's clock is set automatically: codes are time-based and a clock "
        "that is a few minutes off makes them fail.</p>",
    ),
    (
        "eu-login-wrong-address",
        "eu-login",
        "I created my EU Login account with a private e-mail address (demo)",
        "<p>Create a second EU Login account with your professional address and "
        "ask the helpdesk to move your portal access to it. Your cases stay "
        "yours.</p>",
    ),
    (
        "access-request-pending",
        "access",
        "My access request has been pending for days (demo)",
        "<p>Access requests are checked by your network's coordinator against "
        "the list of member centres. If nothing happens within five working days, "
        "write to the helpdesk and name your healthcare provider.</p>",
    ),
    (
        "access-other-network",
        "access",
        "Can I work in two networks with one account? (demo)",
        "<p>Yes. Request access to each network; each coordinator approves the "
        "request for their own network.</p>",
    ),
    (
        "browsers-supported",
        "browsers",
        "Which browsers work with the portal? (demo)",
        "<p>Current versions of Firefox, Chrome, Edge and Safari. Older browsers "
        "may show the pages but fail to upload files or to join video "
        "meetings.</p>",
    ),
    (
        "browsers-blank-page",
        "browsers",
        "After logging in I see a blank page (demo)",
        "<p>Reload the page. If it stays blank, clear the browser cache and the "
        "cookies of the portal, or try a private window. Hospital proxies "
        "sometimes block scripts: your IT department can allow the portal's "
        "address.</p>",
    ),
    (
        "video-no-sound",
        "video-meetings",
        "Nobody hears me in the video meeting (demo)",
        "<p>Allow the microphone when the browser asks, and check that the right "
        "microphone is chosen in the meeting's settings. A headset avoids echo "
        "for the others.</p>",
    ),
    (
        "video-firewall",
        "video-meetings",
        "The video meeting does not start at my hospital (demo)",
        "<p>Some hospital networks block video traffic. Join from another "
        "network, for example a phone's hotspot, and ask your IT department to "
        "allow the video service.</p>",
    ),
    (
        "cases-identifiers",
        "cases",
        "May I upload a report that shows the patient's name? (demo)",
        "<p>No. Remove names, addresses, national numbers and dates of birth "
        "from every document before you upload it. The case is identified by its "
        "case number and nickname only.</p>",
    ),
    (
        "cases-who-sees",
        "cases",
        "Who can see the cases I enrol? (demo)",
        "<p>Only the people the case names: you, the panel lead and the experts "
        "invited to the panel, plus any guest the coordinator admitted for a "
        "limited time.</p>",
    ),
    (
        "other-language",
        "other",
        "Is the portal available in my language? (demo)",
        "<p>The portal is in English, German, French, Italian, Spanish, Dutch "
        "and Polish: choose the language at the top of the page. Consent forms "
        "are in all 24 official languages of the EU on the <em>Consent "
        "forms</em> page.</p>",
    ),
]

# German translations of the guides and common problems: (original id,
# title, summary or category, steps or answer).  Each sits next to its
# original as "<id>-de" and names it in translation_of (cpms.translation).
GUIDES_DE = {
    "get-eu-login-and-request-access": (
        "EU-Login-Konto anlegen und Zugang beantragen (demo)",
        "Vom ersten EU-Login-Konto bis zum freigeschalteten Zugang zum Portal "
        "in fünf Schritten.",
        """
<ol>
<li>Legen Sie mit Ihrer dienstlichen E-Mail-Adresse ein EU-Login-Konto an und
bestätigen Sie es über die Nachricht, die EU Login Ihnen schickt.</li>
<li>Schalten Sie in EU Login die Zwei-Faktor-Authentifizierung ein (mobile App
oder Sicherheitsschlüssel): Für klinische Daten akzeptiert das Portal nur
bestätigte Anmeldungen.</li>
<li>Öffnen Sie das Portal und wählen Sie <strong>Anmelden</strong>. Beim ersten
Mal kennt das Portal Ihren Namen und Ihre Adresse, aber nicht Ihre Rolle.</li>
<li>Füllen Sie den Zugangsantrag aus: Ihre Gesundheitseinrichtung, Ihr
Fachgebiet und das Profil, das Sie brauchen (Ärztin oder Arzt,
Panel-Leitung, Koordination).</li>
<li>Die Koordination Ihres Netzwerks prüft den Antrag anhand der
Mitgliederliste und gibt ihn frei; Sie erhalten eine E-Mail und können von da
an Patientinnen und Patienten aufnehmen.</li>
</ol>
""",
    ),
    "set-up-a-patient-panel": (
        "Ein Patientenpanel einrichten (demo)",
        "Einen pseudonymisierten Fall aufnehmen, die Einwilligung erfassen und "
        "die beratenden Fachleute einladen.",
        """
<ol>
<li>Drucken Sie unter <em>Einwilligungsformulare</em> das
Einwilligungsformular für die Versorgung in der Sprache der Patientin oder des
Patienten aus, erklären Sie es und lassen Sie es unterschreiben.</li>
<li>Legen Sie einen Fall an: einen Spitznamen, das Geschlecht, das Geburtsjahr
oder die Altersgruppe, die Diagnosecodes und Ihre Frage. Geben Sie nie einen
Namen, eine Adresse oder eine Versicherungsnummer ein.</li>
<li>Erfassen Sie die Einwilligung im Fall: welches Formular, seine Version und
das Datum.</li>
<li>Laden Sie die Unterlagen hoch, die das Panel braucht (Befunde, Bilder),
ohne Angaben, die die Person erkennbar machen.</li>
<li>Reichen Sie den Fall ein. Die Koordination prüft ihn und bestimmt eine
Panel-Leitung, die die Fachleute einlädt.</li>
</ol>
""",
    ),
    "join-panels-and-video-meetings": (
        "An Panels und ihren Videokonferenzen teilnehmen (demo)",
        "Eine Einladung annehmen, Ihre Einschätzung beitragen und an der "
        "Videokonferenz des Panels teilnehmen.",
        """
<ol>
<li>Öffnen Sie die Einladung per E-Mail und folgen Sie dem Link zum Fall;
nehmen Sie innerhalb der von der Panel-Leitung genannten Frist an oder lehnen
Sie ab.</li>
<li>Lesen Sie die Zusammenfassung, die Frage und die Unterlagen und schreiben
Sie dann Ihren Beitrag zum Fall.</li>
<li>Übernehmen Sie den Termin von der Fallseite in Ihren Kalender
(iCal-Datei).</li>
<li>Öffnen Sie zur Sitzung den Link zum Videoraum auf der Fallseite in einem
aktuellen Browser und erlauben Sie Kamera und Mikrofon.</li>
<li>Nach der Sitzung entwirft die Panel-Leitung den Ergebnisbericht; lesen und
kommentieren Sie ihn, bevor er unterschrieben wird.</li>
</ol>
""",
    ),
    "refer-a-patient-from-outside": (
        "Eine Patientin oder einen Patienten von außerhalb des Netzwerks "
        "überweisen (demo)",
        "Wie eine Ärztin oder ein Arzt ohne Mitgliedschaft die Fachleute des "
        "Netzwerks um Rat fragt und wie es danach weitergeht.",
        """
<ol>
<li>Prüfen Sie die Bedingungen auf der Seite <em>Fall überweisen</em>: Ihr
Krankenhaus liegt in einem Land der EU oder des EWR und die Erkrankung gehört
zu den Fachgebieten des Netzwerks.</li>
<li>Füllen Sie das Überweisungsformular ohne Angaben aus, die die Person
erkennbar machen.</li>
<li>Die Koordination prüft die Anfrage und bittet Sie gegebenenfalls um weitere
Informationen.</li>
<li>Wird sie angenommen, erhalten Sie befristeten Gastzugang zu dem Fall, der
für Ihre Patientin oder Ihren Patienten angelegt wird.</li>
</ol>
""",
    ),
}

FAQS_DE = {
    "eu-login-code-not-arriving": (
        "Der Bestätigungscode von EU Login kommt nicht an. Was kann ich tun? (demo)",
        "<p>Sehen Sie zuerst im Spam-Ordner nach. Wenn Sie die mobile App "
        "nutzen, muss die Uhr des Telefons automatisch gestellt sein: Die Codes "
        "hängen von der Uhrzeit ab, und eine Uhr, die ein paar Minuten falsch "
        "geht, macht sie ungültig.</p>",
    ),
    "eu-login-wrong-address": (
        "Ich habe mein EU-Login-Konto mit einer privaten E-Mail-Adresse "
        "angelegt (demo)",
        "<p>Legen Sie ein zweites EU-Login-Konto mit Ihrer dienstlichen Adresse "
        "an und bitten Sie den Helpdesk, Ihren Portalzugang dorthin zu "
        "übertragen. Ihre Fälle bleiben Ihre.</p>",
    ),
    "access-request-pending": (
        "Mein Zugangsantrag ist seit Tagen offen (demo)",
        "<p>Die Koordination Ihres Netzwerks prüft Zugangsanträge anhand der "
        "Liste der Mitgliedszentren. Wenn sich nach fünf Arbeitstagen nichts "
        "getan hat, schreiben Sie dem Helpdesk und nennen Sie Ihre "
        "Gesundheitseinrichtung.</p>",
    ),
    "access-other-network": (
        "Kann ich mit einem Konto in zwei Netzwerken arbeiten? (demo)",
        "<p>Ja. Beantragen Sie den Zugang zu jedem Netzwerk; jede Koordination "
        "gibt den Antrag für ihr eigenes Netzwerk frei.</p>",
    ),
    "browsers-supported": (
        "Mit welchen Browsern funktioniert das Portal? (demo)",
        "<p>Mit aktuellen Versionen von Firefox, Chrome, Edge und Safari. Ältere "
        "Browser zeigen die Seiten womöglich an, können aber keine Dateien "
        "hochladen oder an Videokonferenzen teilnehmen.</p>",
    ),
    "browsers-blank-page": (
        "Nach der Anmeldung sehe ich eine leere Seite (demo)",
        "<p>Laden Sie die Seite neu. Bleibt sie leer, löschen Sie den "
        "Browser-Cache und die Cookies des Portals oder versuchen Sie es in "
        "einem privaten Fenster. Krankenhaus-Proxys blockieren manchmal Skripte: "
        "Ihre IT-Abteilung kann die Adresse des Portals freigeben.</p>",
    ),
    "video-no-sound": (
        "In der Videokonferenz hört mich niemand (demo)",
        "<p>Erlauben Sie das Mikrofon, wenn der Browser danach fragt, und prüfen "
        "Sie in den Einstellungen der Konferenz, ob das richtige Mikrofon "
        "gewählt ist. Ein Headset vermeidet Echo für die anderen.</p>",
    ),
    "video-firewall": (
        "Die Videokonferenz startet in meinem Krankenhaus nicht (demo)",
        "<p>Manche Krankenhausnetze sperren Videoverkehr. Nehmen Sie über ein "
        "anderes Netz teil, zum Beispiel den Hotspot eines Telefons, und bitten "
        "Sie Ihre IT-Abteilung, den Videodienst freizugeben.</p>",
    ),
    "cases-identifiers": (
        "Darf ich einen Befund hochladen, auf dem der Name der Patientin oder "
        "des Patienten steht? (demo)",
        "<p>Nein. Entfernen Sie Namen, Adressen, Versicherungsnummern und "
        "Geburtsdaten aus jedem Dokument, bevor Sie es hochladen. Der Fall wird "
        "nur über seine Fallnummer und seinen Spitznamen erkannt.</p>",
    ),
    "cases-who-sees": (
        "Wer sieht die Fälle, die ich aufnehme? (demo)",
        "<p>Nur die Personen, die der Fall nennt: Sie, die Panel-Leitung und die "
        "zum Panel eingeladenen Fachleute, dazu Gäste, die die Koordination "
        "befristet zugelassen hat.</p>",
    ),
    "other-language": (
        "Gibt es das Portal in meiner Sprache? (demo)",
        "<p>Das Portal gibt es auf Englisch, Deutsch, Französisch, Italienisch, "
        "Spanisch, Niederländisch und Polnisch; wählen Sie die Sprache oben auf "
        "der Seite. Einwilligungsformulare gibt es in allen 24 Amtssprachen der "
        "EU auf der Seite <em>Einwilligungsformulare</em>.</p>",
    ),
}

NEWSLETTERS = [
    (
        1,
        date(2025, 6, 16),
        "Issue 1: the portal opens (demo)",
        "A first look at the network's new case portal.",
        "<h2>A portal of our own</h2><p>The network's clinicians now discuss "
        "patients on a portal the network runs itself. This issue explains what "
        "changed and where to find help.</p><h2>What is new</h2><ul><li>Log in "
        "with EU Login.</li><li>Consent forms in more languages.</li><li>Outcome "
        "reports as signed PDFs.</li></ul>",
        True,
    ),
    (
        2,
        date(2025, 11, 3),
        "Issue 2: panels in numbers (demo)",
        "How many panels met this year, and how quickly they answered.",
        "<h2>Panels this year</h2><p>Panels met more often and answered sooner "
        "than last year; most questions were answered within four weeks.</p>"
        "<h2>Tip</h2><p>Invite a whole expert group at once from the panel "
        "page.</p>",
        False,
    ),
    (
        3,
        date(2026, 4, 20),
        "Issue 3: referrals from outside the network (demo)",
        "Clinicians outside the network can now ask for advice.",
        "<h2>Referrals</h2><p>Clinicians who are not members can now refer a "
        "patient through the <em>Refer a case</em> form. Coordinators review each "
        "request.</p><h2>Guides</h2><p>New guides explain access, panels and "
        "meetings step by step.</p>",
        True,
    ),
]

# (language, kind, version): every kind in each of the 24 official EU
# languages, from the texts of cpms.public.consent_texts.
CONSENT_FORMS = [
    (language, kind, consent_pdf.versions()[kind])
    for language in EU_LANGUAGES
    for kind in consent_pdf.KINDS
]


def _publish(obj):
    obj.setSubject([DEMO_TAG])
    if api.content.get_state(obj) == states.PRIVATE:
        api.content.transition(obj=obj, transition=states.SUBMIT)
    if api.content.get_state(obj) == states.PENDING:
        api.content.transition(obj=obj, transition=states.PUBLISH)
    obj.reindexObject()


def build_public_content(portal):
    with api.env.adopt_roles([roles.MANAGER]):
        _guides(portal["guides"])
        _faqs(portal["common-problems"])
        _newsletters(portal["newsletter"])
        _consent_forms(portal["consent-forms"])


def _relation(obj) -> RelationValue:
    return RelationValue(getUtility(IIntIds).getId(obj))


def _guides(folder):
    for spec in GUIDES:
        if spec["id"] in folder:
            continue
        guide = api.content.create(
            container=folder,
            type="Guide",
            id=spec["id"],
            title=spec["title"],
            description=spec["description"],
            audience=set(spec["audience"]),
            steps=_html(spec["steps"]),
            language="en",
        )
        if "attachment" in spec:
            title, filename, lines = spec["attachment"]
            api.content.create(
                container=guide,
                type="File",
                title=title,
                file=NamedBlobFile(demo_pdf(title, lines), filename=filename),
            )
        _publish(guide)
    for spec in GUIDES:
        translated = GUIDES_DE.get(spec["id"])
        if translated is None or f"{spec['id']}-de" in folder:
            continue
        title, description, steps = translated
        guide = api.content.create(
            container=folder,
            type="Guide",
            id=f"{spec['id']}-de",
            title=title,
            description=description,
            audience=set(spec["audience"]),
            steps=_html(steps),
            language="de",
            translation_of=_relation(folder[spec["id"]]),
        )
        _publish(guide)
    for spec in GUIDES:
        # Each language's guides point to their own language's guides.
        for suffix in ("", "-de"):
            guide = folder.get(spec["id"] + suffix)
            if guide is None or guide.related_guides:
                continue
            guide.related_guides = [
                _relation(folder[r + suffix])
                for r in spec["related"]
                if r + suffix in folder
            ]
            notify(ObjectModifiedEvent(guide))


def _faqs(folder):
    for entry_id, category, question, answer in FAQS:
        if entry_id in folder:
            continue
        entry = api.content.create(
            container=folder,
            type="FAQEntry",
            id=entry_id,
            title=question,
            category=category,
            answer=_html(answer),
            language="en",
        )
        _publish(entry)
    for entry_id, category, _question, _answer in FAQS:
        translated = FAQS_DE.get(entry_id)
        if translated is None or f"{entry_id}-de" in folder:
            continue
        question, answer = translated
        entry = api.content.create(
            container=folder,
            type="FAQEntry",
            id=f"{entry_id}-de",
            title=question,
            category=category,
            answer=_html(answer),
            language="de",
            translation_of=_relation(folder[entry_id]),
        )
        _publish(entry)


def _newsletters(folder):
    for number, issue_date, title, summary, body, with_pdf in NEWSLETTERS:
        issue_id = f"issue-{number}"
        if issue_id in folder:
            continue
        pdf = None
        if with_pdf:
            pdf = NamedBlobFile(
                demo_pdf(title, [summary, "The full text is on the portal."]),
                filename=f"newsletter-{number}.pdf",
            )
        issue = api.content.create(
            container=folder,
            type="NewsletterIssue",
            id=issue_id,
            title=title,
            description=summary,
            number=number,
            issue_date=issue_date,
            body=_html(body),
            file=pdf,
        )
        _publish(issue)


def _consent_form_fields(language: str, kind: str, version: str) -> dict:
    text = consent_pdf.text(language)
    name = language_name(language)
    return {
        "title": f"{kind.capitalize()} consent, {name} (demo)",
        # What the patient reads, in the patient's language.
        "description": f"{text['kinds'][kind]['title']} ({text['name']}, "
        f"{text['labels']['version']} {version})",
        "form_language": language,
        "kind": kind,
        "version": version,
    }


def _consent_forms(folder):
    for language, kind, version in CONSENT_FORMS:
        form_id = f"{kind}-{language}"
        fields = _consent_form_fields(language, kind, version)
        form = folder.get(form_id)
        if form is not None:
            # A demo form of an earlier demo (English text under another
            # language's name) gets this one's text and PDF; anything an
            # editor made is left alone.
            if DEMO_TAG not in form.Subject() or (
                form.Description() == fields["description"]
            ):
                continue
            for name, value in fields.items():
                setattr(form, name, value)
            form.file = _consent_pdf(language, kind)
            notify(ObjectModifiedEvent(form))
            continue
        form = api.content.create(
            container=folder,
            type="ConsentForm",
            id=form_id,
            file=_consent_pdf(language, kind),
            **fields,
        )
        _publish(form)


def _consent_pdf(language: str, kind: str) -> NamedBlobFile:
    return NamedBlobFile(
        consent_pdf.render(language, kind),
        filename=consent_pdf.filename(language, kind),
        contentType="application/pdf",
    )
