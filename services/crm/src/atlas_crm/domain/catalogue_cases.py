"""Case types, statuses and closing reasons (domain.md sections 4 and 8): code, FR, AR, EN labels."""

from __future__ import annotations

CASE_TYPE = [
    ("CRM_LEAD", "Lead", "عميل محتمل", "Lead"),
    ("CRM_LEAD_BUY", "Lead achat", "عميل محتمل - شراء", "Buyer lead"),
    ("CRM_LEAD_RENT", "Lead location", "عميل محتمل - كراء", "Rental lead"),
    ("CRM_OWNER_LEAD", "Lead propriétaire", "عميل محتمل - مالك", "Owner lead"),
    ("CRM_SALE_TRANSACTION", "Transaction de vente", "معاملة بيع", "Sale transaction"),
    ("CRM_RENTAL_TRANSACTION", "Transaction locative", "معاملة كراء", "Rental transaction"),
    ("CRM_MANDATE_SALE", "Mandat de vente", "وكالة بيع", "Sale mandate"),
    ("CRM_MANDATE_RENT", "Mandat de location", "وكالة كراء", "Rental mandate"),
    ("CRM_PROPERTY_LISTING", "Mise en annonce", "عرض عقار", "Property listing"),
    ("CRM_PROJECT_CONSTRUCTION", "Projet de construction", "مشروع بناء", "Construction project"),
    ("CRM_PROJECT_RENOVATION", "Projet de rénovation", "مشروع تجديد", "Renovation project"),
    ("CRM_INVESTOR_CASE", "Dossier investisseur", "ملف مستثمر", "Investor case"),
    ("CRM_SUPPORT_DISPUTE", "Litige / support", "نزاع / دعم", "Support or dispute"),
    ("CRM_LEAD_B2B_DEMO", "Demande de démo B2B", "طلب عرض توضيحي للشركات", "B2B demo request"),
    ("COOP_GROUP", "Groupement coopératif", "مجموعة تعاونية", "Co-operative group"),
    ("COOP_PROJECT", "Projet coopératif", "مشروع تعاوني", "Co-operative project"),
    ("COOP_MEMBER_CASE", "Dossier membre", "ملف عضو", "Member case"),
    ("COOP_ALLOCATION", "Attribution de lot", "تخصيص قطعة", "Lot allocation"),
]

CRM_STATUS = [
    ("NEW", "Nouveau", "جديد", "New"), ("TRIAGED", "Trié", "تم الفرز", "Triaged"),
    ("CONTACTED", "Contacté", "تم الاتصال", "Contacted"),
    ("UNREACHABLE", "Injoignable", "تعذر الاتصال", "Unreachable"),
    ("QUALIFIED", "Qualifié", "مؤهل", "Qualified"),
    ("DISQUALIFIED", "Disqualifié", "غير مؤهل", "Disqualified"),
    ("ON_HOLD", "En attente", "في الانتظار", "On hold"),
    ("REASSIGNED", "Réaffecté", "أعيد إسناده", "Reassigned"),
    ("VISIT_PLANNED", "Visite planifiée", "زيارة مبرمجة", "Visit planned"),
    ("VISIT_DONE", "Visite effectuée", "تمت الزيارة", "Visit done"),
    ("NO_SHOW", "Absent au rendez-vous", "لم يحضر", "No show"),
    ("FOLLOW_UP", "Relance", "متابعة", "Follow-up"),
    ("OFFER_REQUESTED", "Offre demandée", "عرض مطلوب", "Offer requested"),
    ("OFFER_RECEIVED", "Offre reçue", "عرض مستلم", "Offer received"),
    ("NEGOTIATION", "Négociation", "تفاوض", "Negotiation"),
    ("COUNTER_OFFER", "Contre-offre", "عرض مضاد", "Counter-offer"),
    ("DOCS_REQUESTED", "Documents demandés", "وثائق مطلوبة", "Documents requested"),
    ("DOCS_RECEIVED", "Documents reçus", "وثائق مستلمة", "Documents received"),
    ("SCREENING", "Étude du dossier", "دراسة الملف", "Screening"),
    ("APPROVED", "Approuvé", "مقبول", "Approved"), ("REJECTED", "Refusé", "مرفوض", "Rejected"),
    ("SIGNING_SCHEDULED", "Signature planifiée", "توقيع مبرمج", "Signing scheduled"),
    ("SIGNING_IN_PROGRESS", "Signature en cours", "توقيع جار", "Signing in progress"),
    ("CLOSED_WON", "Gagné", "مغلق - ناجح", "Closed won"),
    ("CLOSED_LOST", "Perdu", "مغلق - خاسر", "Closed lost"),
    ("MANDATE_PENDING", "Mandat en attente", "وكالة قيد الانتظار", "Mandate pending"),
    ("MANDATE_SIGNED", "Mandat signé", "وكالة موقعة", "Mandate signed"),
    ("VALUATION_DONE", "Estimation faite", "تم التقييم", "Valuation done"),
    ("LISTED", "En annonce", "معروض", "Listed"), ("PAUSED", "En pause", "متوقف مؤقتا", "Paused"),
    ("ARCHIVED", "Archivé", "مؤرشف", "Archived"), ("IDEA", "Idée", "فكرة", "Idea"),
    ("FEASIBILITY", "Faisabilité", "دراسة الجدوى", "Feasibility"),
    ("DESIGN", "Conception", "تصميم", "Design"),
    ("PERMITS", "Autorisations", "رخص", "Permits"),
    ("CONTRACTING", "Consultation / marchés", "تعاقد", "Contracting"),
    ("BUILDING", "Travaux", "أشغال", "Building"), ("DELIVERY", "Livraison", "تسليم", "Delivery"),
    ("COMPROMISE_SIGNED", "Compromis signé", "وعد بالبيع موقع", "Preliminary contract signed"),
    ("FINANCING", "Financement", "تمويل", "Financing"),
]

B2B_STATUS = [
    ("B2B_NEW", "Nouvelle demande", "طلب جديد", "New request"),
    ("B2B_QUALIFIED", "Qualifiée", "مؤهل", "Qualified"),
    ("B2B_SCHEDULED", "Démo planifiée", "عرض مبرمج", "Demo scheduled"),
    ("B2B_DONE", "Démo réalisée", "تم العرض", "Demo done"), ("B2B_WON", "Gagnée", "ناجح", "Won"),
    ("B2B_LOST", "Perdue", "خاسر", "Lost"),
]


def prefixed(prefix: str, rows: list[tuple[str, str, str, str]]) -> list[tuple[str, str, str, str]]:
    return [(prefix + code, fr, ar, en) for code, fr, ar, en in rows]


COOP_GROUP_STATUS = prefixed("COOP_GROUP_", [
    ("FORMATION", "En formation", "قيد التأسيس", "Forming"),
    ("KYC_READY", "KYC complet", "التحقق مكتمل", "KYC ready"),
    ("FUNDING_OPEN", "Collecte ouverte", "التمويل مفتوح", "Funding open"),
    ("THRESHOLD_REACHED", "Seuil atteint", "تم بلوغ العتبة", "Threshold reached"),
    ("FUNDING_CLOSED", "Collecte close", "التمويل مغلق", "Funding closed"),
    ("ALLOCATION_RUNNING", "Attribution en cours", "التخصيص جار", "Allocation running"),
    ("COMPLETED", "Terminé", "مكتمل", "Completed"),
    ("CANCELLED", "Annulé", "ملغى", "Cancelled"),
    ("ON_HOLD", "En attente", "في الانتظار", "On hold"),
])
COOP_MEMBER_STATUS = prefixed("COOP_MEMBER_", [
    ("PENDING_KYC", "KYC en attente", "في انتظار التحقق", "KYC pending"),
    ("ACTIVE", "Actif", "نشط", "Active"),
    ("SUSPENDED", "Suspendu", "موقوف", "Suspended"),
    ("IN_DEFAULT", "En défaut", "متخلف عن الأداء", "In default"),
    ("EXITED", "Sorti", "منسحب", "Exited"),
    ("EXCLUDED", "Exclu", "مقصى", "Excluded"),
])
COOP_PROJECT_STATUS = prefixed("COOP_PROJECT_", [
    ("LAND_SECURED", "Terrain sécurisé", "تم تأمين الأرض", "Land secured"),
    ("PERMITS", "Autorisations", "رخص", "Permits"),
    ("CONTRACTING", "Marchés", "تعاقد", "Contracting"),
    ("BUILDING", "Travaux", "أشغال", "Building"),
    ("DELIVERY", "Livraison", "تسليم", "Delivery"),
    ("HANDOVER", "Remise des clés", "تسليم المفاتيح", "Handover"),
    ("CLOSED", "Clôturé", "مغلق", "Closed"),
    ("ON_HOLD", "En attente", "في الانتظار", "On hold"),
    ("CANCELLED", "Annulé", "ملغى", "Cancelled"),
])
COOP_ALLOCATION_STATUS = prefixed("COOP_ALLOC_", [
    ("PROPOSED", "Proposée", "مقترح", "Proposed"),
    ("ELIGIBILITY_CHECK", "Vérification d'éligibilité", "التحقق من الأهلية", "Eligibility check"),
    ("APPROVED", "Validée", "مصادق عليه", "Approved"),
    ("ASSIGNED", "Attribuée", "مخصص", "Assigned"),
    ("SIGNED", "Signée", "موقع", "Signed"),
    ("CANCELLED", "Annulée", "ملغى", "Cancelled"),
    ("REJECTED", "Rejetée", "مرفوض", "Rejected"),
])
COOP_STATUS = COOP_GROUP_STATUS + COOP_MEMBER_STATUS + COOP_PROJECT_STATUS + COOP_ALLOCATION_STATUS

LOSS_REASON = [
    ("PRICE_TOO_HIGH", "Prix trop élevé", "الثمن مرتفع جدا", "Price too high"),
    ("NOT_INTERESTED", "Plus intéressé", "غير مهتم", "Not interested"),
    ("COMPETITOR", "Concurrent", "منافس", "Went to a competitor"),
    ("NO_RESPONSE", "Sans réponse", "لا رد", "No response"),
    ("FINANCING_ISSUE", "Problème de financement", "مشكل في التمويل", "Financing issue"),
    ("DOCS_INCOMPLETE", "Dossier incomplet", "وثائق ناقصة", "Documents incomplete"),
    ("OWNER_CHANGED_MIND", "Le propriétaire a changé d'avis", "المالك غير رأيه", "Owner changed mind"),
    ("PROPERTY_UNAVAILABLE", "Bien indisponible", "العقار غير متوفر", "Property unavailable"),
    ("REQUIREMENTS_MISMATCH", "Critères non compatibles", "المعايير غير متطابقة", "Requirements mismatch"),
    ("TIMELINE_TOO_LONG", "Délai trop long", "المدة طويلة جدا", "Timeline too long"),
    ("FRAUD_RISK", "Risque de fraude", "خطر احتيال", "Fraud risk"), ("OTHER", "Autre", "أخرى", "Other"),
]

WON_REASON = [
    ("SIGNED", "Signé", "تم التوقيع", "Signed"), ("RESERVED", "Réservé", "محجوز", "Reserved"),
    ("DEPOSIT_PAID", "Acompte versé", "تم دفع العربون", "Deposit paid"), ("SOLD", "Vendu", "مباع", "Sold"),
    ("RENTED", "Loué", "مكرى", "Rented"),
    ("PROJECT_DELIVERED", "Projet livré", "تم تسليم المشروع", "Project delivered"),
    ("OTHER", "Autre", "أخرى", "Other"),
]

B2B_LOST_REASON = prefixed("B2B_LOST_", [
    ("NO_RESPONSE", "Sans réponse", "لا رد", "No response"),
    ("NO_BUDGET", "Pas de budget", "لا ميزانية", "No budget"),
    ("NOT_FIT", "Pas adapté", "غير ملائم", "Not a fit"),
    ("NOT_READY", "Pas prêt", "غير مستعد", "Not ready"),
    ("COMPETITOR", "Concurrent", "منافس", "Competitor"),
    ("TIMING", "Mauvais moment", "توقيت غير مناسب", "Timing"),
    ("OTHER", "Autre", "أخرى", "Other"),
])
