{
    "name": "Monthly Settlement - Delivery Statements from Stock Deliveries",
    "summary": "Delivery statements (送货对账单) from the done deliveries: one line per delivery order (送货单号), "
    "dated and cut off by the day the goods went out, returns negative in their period",
    "version": "19.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/monthly-settlement/monthly_settlement",
    "author": "monthly_settlement developers",
    "license": "LGPL-3",
    "depends": ["monthly_settlement_sale", "sale_stock"],
    "demo": ["demo/monthly_settlement_sale_stock_demo.xml"],
    "auto_install": True,
}
