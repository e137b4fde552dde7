{
    "name": "Monthly Settlement Audit",
    "summary": "Audit sampling with checklists, balance confirmation letters (询证函), audit packs and the "
    "portal access log of customer statements",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/monthly-settlement/monthly_settlement",
    "author": "monthly_settlement developers",
    "license": "LGPL-3",
    "depends": ["monthly_settlement_reports"],
    "data": [
        "security/ir.model.access.csv",
        "security/monthly_settlement_confirmation_letter_security.xml",
        "data/monthly_settlement_confirmation_letter_data.xml",
        "report/monthly_settlement_confirmation_letter_report.xml",
        "report/monthly_settlement_confirmation_letter_templates.xml",
        "views/monthly_settlement_confirmation_letter_views.xml",
        "views/monthly_settlement_confirmation_letter_portal_templates.xml",
        "wizards/monthly_settlement_confirmation_letter_issue_views.xml",
        "views/monthly_settlement_audit_menus.xml",
    ],
    "auto_install": True,
}
