package org.mailhaven.storage.mailbox;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Widens, in a database created before META-INF/mailhaven-orm.xml, the mailbox columns that hold
 * values taken from the messages (MIME type, subtype, parameter names and values): James' widths
 * (200, 500, 1024 characters) made a message with a longer MIME parameter fail to store.
 * OpenJPA creates missing tables and columns but never widens one, so this runs once at start,
 * before the spool delivers anything, and does nothing when the columns are wide already.
 * Derby and PostgreSQL (the databases conf/james-database.properties documents) are widened;
 * for another one the statement to run is logged.
 */
public final class MailboxColumnWidths {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailboxColumnWidths.class);

    record Column(String table, String name, int width) {
    }

    static final List<Column> COLUMNS = List.of(
        new Column("JAMES_MAIL", "MAIL_MIME_TYPE", 1024),
        new Column("JAMES_MAIL", "MAIL_MIME_SUBTYPE", 1024),
        new Column("JAMES_MAIL_PROPERTY", "PROPERTY_LOCAL_NAME", 2048),
        new Column("JAMES_MAIL_PROPERTY", "PROPERTY_VALUE", 32672));

    private final DataSource dataSource;

    public MailboxColumnWidths(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void widen() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            for (Column column : COLUMNS) {
                Optional<Integer> width = width(connection.getMetaData(), column);
                if (width.isEmpty() || width.get() >= column.width()) {
                    continue;
                }
                Optional<String> statement = statement(product, column);
                if (statement.isEmpty()) {
                    LOGGER.warn("Column {}.{} holds only {} characters: messages with longer MIME parameters cannot be "
                        + "stored. Widen it to VARCHAR({}) with your database's ALTER TABLE.", column.table(), column.name(),
                        width.get(), column.width());
                    continue;
                }
                try (Statement alter = connection.createStatement()) {
                    alter.execute(statement.get());
                }
                LOGGER.info("Column {}.{} widened from {} to {} characters", column.table(), column.name(), width.get(),
                    column.width());
            }
        }
    }

    /** The column's width, or nothing while the table does not exist (it is then created wide). */
    private static Optional<Integer> width(DatabaseMetaData metadata, Column column) throws SQLException {
        for (String table : List.of(column.table(), column.table().toLowerCase(Locale.ROOT))) {
            for (String name : List.of(column.name(), column.name().toLowerCase(Locale.ROOT))) {
                try (ResultSet found = metadata.getColumns(null, null, table, name)) {
                    if (found.next()) {
                        return Optional.of(found.getInt("COLUMN_SIZE"));
                    }
                }
            }
        }
        return Optional.empty();
    }

    static Optional<String> statement(String product, Column column) {
        if (product.contains("derby")) {
            return Optional.of("ALTER TABLE " + column.table() + " ALTER COLUMN " + column.name()
                + " SET DATA TYPE VARCHAR(" + column.width() + ")");
        }
        if (product.contains("postgresql")) {
            return Optional.of("ALTER TABLE " + column.table() + " ALTER COLUMN " + column.name()
                + " TYPE VARCHAR(" + column.width() + ")");
        }
        return Optional.empty();
    }
}
