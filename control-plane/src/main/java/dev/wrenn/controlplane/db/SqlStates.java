package dev.wrenn.controlplane.db;

import java.sql.SQLException;

/** Recognises PostgreSQL error classes in whatever exception JDBI wrapped them. */
public final class SqlStates {
    public static final String UNIQUE_VIOLATION = "23505";

    private SqlStates() {}

    public static boolean isUniqueViolation(Throwable e) {
        return hasState(e, UNIQUE_VIOLATION);
    }

    /** The name of the violated constraint or index, when the driver reports one. */
    public static String constraint(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null) {
                return p.getServerErrorMessage().getConstraint();
            }
        }
        return null;
    }

    private static boolean hasState(Throwable e, String state) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && state.equals(s.getSQLState())) return true;
        }
        return false;
    }
}
