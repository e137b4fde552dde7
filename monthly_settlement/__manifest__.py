{
    "name": "Monthly Settlement",
    "summary": "Settlement terms for monthly customers (月结), due dates by settlement "
    "period, stored customer statements with review workflow",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/monthly-settlement/monthly_settlement",
    "author": "monthly_settlement developers",
    "license": "LGPL-3",
    "depends": ["account", "portal", "mail"],
    "data": [
        "security/monthly_settlement_security.xml",
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "data/mail_template_data.xml",
        "data/mail_template_reminder_data.xml",
        "data/monthly_settlement_reminder_step_data.xml",
        "views/monthly_settlement_statement_views.xml",
        "views/res_partner_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "views/monthly_settlement_reminder_step_views.xml",
        "views/monthly_settlement_reminder_views.xml",
        "wizards/monthly_settlement_generate_views.xml",
        "wizards/monthly_settlement_reject_views.xml",
        "wizards/monthly_settlement_mark_sent_views.xml",
        "views/monthly_settlement_portal_templates.xml",
        "views/monthly_settlement_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "monthly_settlement/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/monthly_settlement_demo.xml",
    ],
}
