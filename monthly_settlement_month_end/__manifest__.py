{
    "name": "Monthly Settlement Month-End",
    "summary": "Month-end on OCA queue_job: generation, PDFs and sending as jobs across servers, "
    "with a live progress view per company and statement date",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/monthly-settlement/monthly_settlement",
    "author": "monthly_settlement developers",
    "license": "LGPL-3",
    "depends": ["monthly_settlement_reports", "queue_job"],
    "data": [
        "security/ir.model.access.csv",
        "security/monthly_settlement_month_end_security.xml",
        "data/queue_job_data.xml",
        "data/mail_activity_type_data.xml",
        "views/monthly_settlement_month_end_views.xml",
    ],
    "demo": ["demo/monthly_settlement_month_end_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "monthly_settlement_month_end/static/src/views/*",
        ],
        "web.assets_tests": [
            "monthly_settlement_month_end/static/tests/tours/*.js",
        ],
    },
    "auto_install": True,
}
