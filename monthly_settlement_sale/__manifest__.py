{
    "name": "Monthly Settlement - Sales Credit Control and Delivery Statements",
    "summary": "Warn or block sale order confirmation for monthly customers over their credit "
    "limit or with statements overdue or disputed too long; delivery statements agreed before "
    "invoicing (先对账后开票)",
    "version": "19.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/monthly-settlement/monthly_settlement",
    "author": "monthly_settlement developers",
    "license": "LGPL-3",
    "depends": ["monthly_settlement", "sale"],
    "data": [
        "security/ir.model.access.csv",
        "views/res_config_settings_views.xml",
        "views/sale_order_views.xml",
        "views/monthly_settlement_statement_views.xml",
        "views/monthly_settlement_portal_templates.xml",
        "views/monthly_settlement_generate_views.xml",
        "data/ir_cron_data.xml",
        "wizards/monthly_settlement_credit_override_views.xml",
        "wizards/monthly_settlement_answer_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "monthly_settlement_sale/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/monthly_settlement_sale_demo.xml",
    ],
    "auto_install": True,
}
