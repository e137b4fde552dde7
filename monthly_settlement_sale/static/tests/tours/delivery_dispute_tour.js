import { registry } from "@web/core/registry";
import { answeredByPhone } from "@monthly_settlement/../tests/tours/statement_roles_tour";

// Data comes from monthly_settlement_sale/tests/test_delivery_dispute_by_reviewer.py: the reviewer,
// in the Chinese interface, records the dispute a customer gave by phone on a delivery statement,
// per delivered product line (as monthly_settlement_reviewer_records_a_phone_dispute does for the
// documents of a statement of account).

const disputedRow = ".modal .o_field_widget[name=detail_ids] .o_data_row:contains(33.33)";

registry.category("web_tour.tours").add("monthly_settlement_reviewer_records_a_delivery_dispute", {
    steps: () => [
        {
            content: "The statement is sent",
            trigger: ".o_form_view .o_statusbar_status button[data-value=sent].o_arrow_button_current",
        },
        {
            content: "Customer Disputes",
            trigger: ".o_statusbar_buttons button[name=action_customer_disputed]",
            run: "click",
        },
        ...answeredByPhone("采购 周丽"),
        {
            content: "The delivered lines are listed, not the orders",
            trigger: ".modal .o_field_widget[name=detail_ids] .o_data_row:nth-child(3)",
        },
        {
            content: "Flag the line of product B",
            trigger: `${disputedRow} .o_field_boolean_toggle input`,
            run: "click",
        },
        {
            content: "The quantity the customer received",
            trigger: `${disputedRow} td[name=disputed_quantity]`,
            run: "click",
        },
        {
            trigger: `${disputedRow} .o_field_widget[name=disputed_quantity] input`,
            run: "edit 6",
        },
        {
            content: "The customer's comment",
            trigger: `${disputedRow} td[name=comment]`,
            run: "click",
        },
        {
            trigger: `${disputedRow} .o_field_widget[name=comment] input`,
            run: "edit 只收到6件",
        },
        {
            content: "Record",
            trigger: ".modal footer button[name=action_record]",
            run: "click",
        },
        {
            content: "The statement is disputed",
            trigger: ".o_form_view .o_statusbar_status button[data-value=disputed].o_arrow_button_current",
        },
        {
            content: "Product lines",
            trigger: ".o_form_view .o_notebook a[name=product_lines]",
            run: "click",
        },
        {
            content: "The disputed line shows the customer's quantity and comment",
            trigger: ".o_form_view .o_field_one2many[name=detail_ids] .o_data_row:contains(只收到6件) td[name=disputed_quantity]:contains(6)",
        },
    ],
});
