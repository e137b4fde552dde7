{
    "name": "Monthly Settlement Reports",
    "summary": "Customer statement PDF and XLSX, batch exports and month-end analysis",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/monthly-settlement/monthly_settlement",
    "author": "monthly_settlement developers",
    "license": "LGPL-3",
    "depends": ["monthly_settlement", "report_xlsx"],
    "data": [
        "security/ir.model.access.csv",
        "security/monthly_settlement_reports_security.xml",
        "report/monthly_settlement_statement_report.xml",
        "report/monthly_settlement_statement_templates.xml",
        "views/monthly_settlement_statement_analysis_views.xml",
    ],
    "auto_install": True,
}
