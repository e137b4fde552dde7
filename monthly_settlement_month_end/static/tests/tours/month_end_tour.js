import { registry } from "@web/core/registry";

// Data and jobs: monthly_settlement_month_end/tests/test_month_end_tour.py. A reviewer (Chinese
// interface) opens a run of 3 customers whose generation job is pending. Once this tour logs
// FORM_SHOWN, the test performs the run's jobs elsewhere, as another server would; the form must
// then show them done without any click or reload: its controller reloads the run on the bus
// notifications the jobs send (static/src/views/month_end_form.js).

const FORM_SHOWN = "monthly_settlement_month_end: the run is shown as planned";

function generated(count) {
    return `.o_form_view .o_row .o_field_widget[name=generated_count]:text(${count})`;
}

function state(value) {
    return `.o_form_view .o_statusbar_status button[data-value=${value}].o_arrow_button_current`;
}

registry.category("web_tour.tours").add("monthly_settlement_month_end_live_progress", {
    steps: () => [
        {
            content: "The run is running",
            trigger: state("running"),
        },
        {
            content: "3 customers are due",
            trigger: ".o_form_view .o_field_widget[name=customer_count]:text(3)",
        },
        {
            content: "Nothing is generated yet: the jobs may start",
            trigger: generated(0),
            run() {
                // Lost if the page were reloaded: checked at the end.
                window.monthEndFormShown = true;
                console.log(FORM_SHOWN);
            },
        },
        {
            content: "The statements generated elsewhere show up by themselves",
            trigger: generated(3),
            timeout: 30000,
        },
        {
            content: "The run is finished",
            trigger: state("done"),
            timeout: 30000,
        },
        {
            content: "All that without a reload of the page",
            trigger: ".o_form_view .o_form_sheet",
            run() {
                if (!window.monthEndFormShown) {
                    throw new Error("The page was reloaded: the form must refresh by itself.");
                }
            },
        },
    ],
});
