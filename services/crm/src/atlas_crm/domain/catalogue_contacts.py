"""Sources, appointments, timeline, channels, consents and stakeholder roles: code, FR, AR, EN."""

from __future__ import annotations

from atlas_crm.domain.catalogue_cases import prefixed

LEAD_SOURCE = prefixed("LEAD_SOURCE_", [
    ("PORTAL", "Portail", "البوابة", "Portal"), ("WHATSAPP", "WhatsApp", "واتساب", "WhatsApp"),
    ("FORM", "Formulaire", "استمارة", "Form"),
    ("PARTNER", "Portail partenaire", "بوابة شريكة", "Partner portal"),
    ("PHONE", "Téléphone", "هاتف", "Phone"), ("WALK_IN", "Passage en agence", "زيارة الوكالة", "Walk-in"),
    ("REFERRAL", "Recommandation", "توصية", "Referral"), ("EMAIL", "E-mail", "بريد إلكتروني", "Email"),
    ("SOCIAL", "Réseaux sociaux", "شبكات التواصل", "Social media"), ("IMPORT", "Import", "استيراد", "Import"),
    ("BIZ_DEMO_FORM", "Demande de démo (site Biz)", "طلب عرض توضيحي", "Biz demo form"),
    ("OTHER", "Autre", "أخرى", "Other")])

APPOINT_TYPE = prefixed("APPOINT_", [
    ("VISIT", "Visite", "زيارة", "Visit"), ("CALL", "Appel", "مكالمة", "Call"),
    ("PHONE_CALL", "Appel téléphonique", "مكالمة هاتفية", "Phone call"),
    ("OFFICE_MEETING", "Rendez-vous en agence", "موعد في الوكالة", "Office meeting"),
    ("PROPERTY_VISIT", "Visite du bien", "زيارة العقار", "Property visit"),
    ("OWNER_VISIT", "Visite propriétaire", "زيارة المالك", "Owner visit"),
    ("NOTARY_MEETING", "Rendez-vous notaire", "موعد عند الموثق", "Notary meeting"),
    ("SIGNING", "Signature", "توقيع", "Signing"),
    ("SITE_VISIT", "Visite de chantier", "زيارة الورش", "Site visit"),
    ("VIDEO_CALL", "Visioconférence", "مكالمة فيديو", "Video call"),
    ("DEMO", "Démonstration produit", "عرض توضيحي", "Product demo")])

APPOINT_STATUS = prefixed("APPOINT_", [
    ("SCHEDULED", "Planifié", "مبرمج", "Scheduled"), ("DONE", "Effectué", "تم", "Done"),
    ("NO_SHOW", "Absent", "لم يحضر", "No show"), ("CANCELLED", "Annulé", "ملغى", "Cancelled")])

ACTIVITY_TYPE = prefixed("ACT_", [
    ("NOTE", "Note", "ملاحظة", "Note"), ("TASK", "Tâche", "مهمة", "Task"),
    ("STATUS_CHANGE", "Changement de statut", "تغيير الحالة", "Status change"),
    ("MESSAGE_LOG", "Message", "رسالة", "Message"), ("APPOINTMENT_LOG", "Rendez-vous", "موعد", "Appointment"),
    ("DOCUMENT_LOG", "Document", "وثيقة", "Document"), ("SYSTEM", "Système", "النظام", "System")])
# Written by the system only: users can neither create, edit nor delete them.
SYSTEM_ACTIVITIES = {"ACT_STATUS_CHANGE", "ACT_MESSAGE_LOG", "ACT_APPOINTMENT_LOG", "ACT_DOCUMENT_LOG",
                     "ACT_SYSTEM"}

CHANNEL_TYPE = prefixed("CHAN_", [
    ("WHATSAPP", "WhatsApp", "واتساب", "WhatsApp"), ("SMS", "SMS", "رسالة قصيرة", "SMS"),
    ("EMAIL", "E-mail", "بريد إلكتروني", "Email"), ("PHONE", "Téléphone", "هاتف", "Phone"),
    ("WEB", "Formulaire web", "استمارة الموقع", "Web form")])

CONSENT_TYPE = [("CONSENT_CONTACT", "Consentement de contact", "الموافقة على الاتصال", "Contact consent"),
                ("CONSENT_MARKETING", "Consentement marketing", "الموافقة على التسويق", "Marketing consent")]

CONSENT_SOURCE = prefixed("CONSENT_SRC_", [
    ("FORM", "Formulaire", "استمارة", "Form"), ("IMPORT", "Import", "استيراد", "Import"),
    ("API", "API", "واجهة برمجية", "API"), ("UI", "Saisie agent", "إدخال من طرف الوكيل", "Agent entry"),
    ("WHATSAPP_INBOUND", "Message WhatsApp entrant", "رسالة واتساب واردة", "Inbound WhatsApp")])

STAKEHOLDER_ROLE = [
    ("OWNER", "Propriétaire", "مالك", "Owner"), ("BUYER", "Acheteur", "مشتر", "Buyer"),
    ("SELLER", "Vendeur", "بائع", "Seller"), ("TENANT", "Locataire", "مكتر", "Tenant"),
    ("LANDLORD", "Bailleur", "مكري", "Landlord"), ("AGENT", "Agent", "وكيل", "Agent"),
    ("NOTARY", "Notaire", "موثق", "Notary"), ("BANK", "Banque", "بنك", "Bank"),
    ("ATTORNEY", "Avocat", "محام", "Attorney"), ("ARCHITECT", "Architecte", "مهندس معماري", "Architect"),
    ("CONTRACTOR", "Entrepreneur", "مقاول", "Contractor"), ("OTHER", "Autre", "أخرى", "Other"),
]
