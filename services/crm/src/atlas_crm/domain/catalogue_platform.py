"""Dictionaries whose codes the listings, portal, coop and Biz parts use (domain.md sections 3, 8, 9):
code, FR, AR, EN. The CRM's admin API serves them with the others; ``reference_data.changed``
events let the owning services cache a tenant's labels and additions."""

from __future__ import annotations

from atlas_crm.domain.catalogue_cases import prefixed

ANN_STATUS = prefixed("ANN_", [
    ("DRAFT", "Brouillon", "مسودة", "Draft"), ("PUBLISHED", "Publiée", "منشور", "Published"),
    ("SUSPENDED", "Suspendue", "موقوف", "Suspended"), ("ARCHIVED", "Archivée", "مؤرشف", "Archived")])

TX_TYPE = prefixed("TX_", [("SALE", "Vente", "بيع", "Sale"), ("RENT", "Location", "كراء", "Rent")])

REPORT_REASON = prefixed("REPORT_", [
    ("FRAUD", "Fraude ou arnaque", "احتيال", "Fraud"),
    ("DUPLICATE", "Annonce en double", "إعلان مكرر", "Duplicate"),
    ("WRONG_INFO", "Informations incorrectes", "معلومات خاطئة", "Incorrect information"),
    ("SPAM", "Spam", "رسائل مزعجة", "Spam"), ("OTHER", "Autre", "أخرى", "Other")])

REPORT_STATUS = prefixed("REPORT_", [
    ("OPEN", "Ouvert", "مفتوح", "Open"), ("IN_REVIEW", "En cours d'examen", "قيد المراجعة", "In review"),
    ("CLOSED", "Clôturé", "مغلق", "Closed")])

MOD_REASON = prefixed("MOD_", [
    ("SUSPECT_FRAUD", "Suspicion de fraude", "اشتباه في احتيال", "Suspected fraud"),
    ("ILLEGAL_CONTENT", "Contenu illicite", "محتوى غير قانوني", "Illegal content"),
    ("DUPLICATE_LISTING", "Annonce dupliquée", "إعلان مكرر", "Duplicate listing"),
    ("OTHER", "Autre", "أخرى", "Other")])

DOC_TYPE = prefixed("DOC_", [
    ("PV", "Procès-verbal", "محضر", "Minutes (PV)"), ("CONTRACT", "Contrat", "عقد", "Contract"),
    ("PAYMENT_PROOF", "Preuve de paiement", "إثبات الأداء", "Payment proof"),
    ("IDENTITY", "Pièce d'identité", "وثيقة الهوية", "Identity document"),
    ("OTHER", "Autre", "أخرى", "Other")])

PAY_METHOD = prefixed("PAY_METHOD_", [
    ("BANK_TRANSFER", "Virement bancaire", "تحويل بنكي", "Bank transfer"),
    ("CASH", "Espèces", "نقدا", "Cash"),
    ("CARD", "Carte bancaire", "بطاقة بنكية", "Card"), ("CHECK", "Chèque", "شيك", "Cheque"),
    ("OTHER", "Autre", "أخرى", "Other")])

NEED_TYPE = prefixed("NEED_TYPE_", [
    ("LEAD_MANAGEMENT", "Gestion des leads", "تدبير العملاء المحتملين", "Lead management"),
    ("LISTINGS", "Publication d'annonces", "نشر الإعلانات", "Listings publication"),
    ("WHATSAPP", "WhatsApp", "واتساب", "WhatsApp"),
    ("REPORTING", "Tableaux de bord", "التقارير", "Reporting"),
    ("COOP", "Gestion de coopérative", "تدبير التعاونية", "Co-operative management"),
    ("OTHER", "Autre", "أخرى", "Other")])

PLAN_TYPE = prefixed("PLAN_TYPE_", [
    ("STARTER", "Starter", "المبتدئ", "Starter"), ("PRO", "Pro", "المحترف", "Pro"),
    ("AGENCY", "Agence", "الوكالة", "Agency"), ("ENTERPRISE", "Entreprise", "المقاولة", "Enterprise")])
