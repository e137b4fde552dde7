import { registry } from "@web/core/registry";
import { FormController } from "@web/views/form/form_controller";
import { formView } from "@web/views/form/form_view";
import { onWillUnmount } from "@odoo/owl";

const PROGRESS = "monthly_settlement_month_end/progress";

/** The month-end run reloads itself when a job tells (over the bus) that its counts moved. */
export class MonthEndFormController extends FormController {
    setup() {
        super.setup();
        const bus = this.env.services.bus_service;
        const onProgress = ({ ids }) => {
            const root = this.model.root;
            if (root.resId && ids.includes(root.resId) && !root.dirty) {
                root.load();
            }
        };
        bus.subscribe(PROGRESS, onProgress);
        onWillUnmount(() => bus.unsubscribe(PROGRESS, onProgress));
    }
}

registry.category("views").add("month_end_form", {
    ...formView,
    Controller: MonthEndFormController,
});
