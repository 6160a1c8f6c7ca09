package dev.wrenn.controlplane.dashboard;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;

/**
 * Finding things the way assistive technology does, by role and accessible name: a control the test can find only
 * by a CSS class would be one a screen reader user could not find either.
 */
final class Ui {
    private Ui() {}

    /** Playwright's waiting assertions: they retry until the page shows what they expect (or the patience runs out). */
    static LocatorAssertions expect(Locator locator) {
        return PlaywrightAssertions.assertThat(locator);
    }

    static Locator button(Page p, String name) {
        return p.getByRole(
                AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
    }

    static Locator link(Page p, String name) {
        return p.getByRole(
                AriaRole.LINK, new Page.GetByRoleOptions().setName(name).setExact(true));
    }

    /** A section of the main navigation. */
    static Locator nav(Page p, String name) {
        return p.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Main"))
                .getByRole(
                        AriaRole.LINK,
                        new Locator.GetByRoleOptions().setName(name).setExact(true));
    }

    static Locator tab(Page p, String name) {
        return p.getByRole(
                AriaRole.TAB, new Page.GetByRoleOptions().setName(name).setExact(true));
    }

    static Locator heading(Page p) {
        return p.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setLevel(1));
    }
}
