package dev.wrenn.controlplane.dashboard;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.net.URI;

/** The dashboard keeps its session in one tab's sessionStorage: these carry it to another tab, or change it. */
final class Sessions {
    private static final String KEY = "wrenn.session";

    private Sessions() {}

    /** A new tab in {@code context} signed in as {@code from} is, showing {@code url}. */
    static Page open(BrowserContext context, Page from, String url) {
        Object session = from.evaluate("k => sessionStorage.getItem(k)", KEY);
        Page p = context.newPage();
        // Any answer of the origin will do to reach its storage; /healthz is the smallest.
        p.navigate(URI.create(url).resolve("/healthz").toString());
        p.evaluate("([k, s]) => sessionStorage.setItem(k, s)", new Object[] {KEY, session});
        p.navigate(url);
        return p;
    }

    /** Swaps the stored session's token, as if the server had issued {@code token}. */
    static void replaceToken(Page page, String token) {
        page.evaluate(
                "([k, t]) => { const s = JSON.parse(sessionStorage.getItem(k)); s.token = t;"
                        + " sessionStorage.setItem(k, JSON.stringify(s)); }",
                new Object[] {KEY, token});
    }
}
