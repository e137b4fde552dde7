import { registry } from "@web/core/registry";

// Data comes from monthly_settlement/tests/test_roles_http.py: the tour starts on a draft
// statement's form, logged in as the salesperson (Chinese interface, one company).

registry.category("web_tour.tours").add("monthly_settlement_backend_submit", {
    steps: () => [
        {
            content: "The draft statement is open",
            trigger: ".o_form_view .o_statusbar_status button[data-value=draft].o_arrow_button_current",
        },
        {
            content: "Submit for Review",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_submit]",
            run: "click",
        },
        {
            content: "The statement waits for review, with its number",
            trigger: ".o_form_view .o_statusbar_status button[data-value=to_review].o_arrow_button_current",
        },
        {
            trigger: ".o_form_view .oe_title:contains(ST/)",
        },
    ],
});
