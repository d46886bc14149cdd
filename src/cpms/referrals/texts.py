"""The public texts of "Refer a case" and "Helpdesk" (HTML, the portal's own words).

Staff can edit them on the forms afterwards; the profile writes them only
when it creates a form.  Links name sections as ``{network}`` and the like:
they become ``resolveuid/<uid>`` links, which Plone renders as the section's
current URL.
"""

ELIGIBILITY = """
<p>Clinicians who treat a patient with a rare or complex condition can ask the
network's experts for advice, even if their hospital is not a member of the
network. Please check first that the referral fits:</p>
<h2>Who can refer a case</h2>
<ul>
  <li><strong>Your healthcare provider is in the EU or the EEA.</strong> You
  work for a hospital or practice in a member state of the European Union, or
  in Iceland, Liechtenstein or Norway.</li>
  <li><strong>The condition is one the network covers.</strong> The patient's
  condition falls within one of the network's
  <a href="{network}">expertise areas</a>.</li>
  <li><strong>You have asked your national contact point.</strong> Every EU and
  EEA country has a national contact point for cross-border healthcare. It can
  tell you which options exist for your patient, at home and abroad, and
  whether advice from a European Reference Network is the right step.</li>
  <li><strong>You can obtain consent and share the records.</strong> If the
  network takes the case, you ask the patient to sign a
  <a href="{consent_forms}">consent form</a> and you upload the
  medical records the experts need (reports, images, test results), without
  the patient's name or other direct identifiers.</li>
</ul>
<h2>What the network gives you</h2>
<p>A panel of experts from several countries discusses the case, by writing
and in a video meeting, and sends you an <strong>outcome report</strong> with
its advice.</p>
<p>The advice supports your decisions; it does not replace them. <strong>You,
the treating clinician, keep the legal responsibility for the patient's care
and for what you do with the advice.</strong></p>
<h2>How it goes</h2>
<ol>
  <li>You send the form below. Describe the case without names, addresses,
  dates of birth or identity numbers.</li>
  <li>A coordinator of the network reviews it, and may write to you for more
  information.</li>
  <li>If the network takes the case, you receive an invitation to work on it
  in the portal as a guest clinician, for a limited time: you record the
  patient's consent, upload the records and answer the panel's questions.</li>
  <li>If the network cannot take the case, we tell you why, and where else you
  could turn.</li>
</ol>
"""

PRIVACY = """
<p><strong>Privacy.</strong> What you enter here is used only to handle your
referral. It is stored in the portal and read by the network's coordinators
and helpdesk; it is not published. Your name and email address are kept so
that we can answer you. Do not enter the patient's name, address, date of
birth, identity or insurance numbers: describe the patient with age, sex and
clinical facts. You can ask the helpdesk at any time which data we hold about
you, and have it corrected or deleted.</p>
"""

REFERRAL_THANKS = """
<p>The network's coordinators have your referral. You will receive a
confirmation by email with your reference; if it does not arrive within a
day, please write to the <a href="{helpdesk}">helpdesk</a>.</p>
<p>What happens next: a coordinator reviews the case and tells you whether
the network can take it. Please do not send patient data by email.</p>
"""

HELPDESK_INTRO = """
<p>Trouble logging in, a question about access, a referral or a case, or an
idea to make the portal better? Write to the helpdesk. We answer by email,
usually within two working days.</p>
<p>Many answers are already in <a href="{common_problems}">common
problems</a> and the <a href="{guides}">guides</a>.</p>
<p><strong>Please do not include patient data in your message.</strong></p>
"""

HELPDESK_THANKS = """
<p>Your message reached the helpdesk. We will answer you by email.</p>
"""
