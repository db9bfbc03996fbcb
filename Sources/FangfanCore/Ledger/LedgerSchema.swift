import GRDB

/// The ledger's schema: named migrations only (never DDL by hand), the same names on both backends.
///
/// To evolve it, append a `LedgerMigration` to `migrations` with its DDL for SQLite and for PostgreSQL (see
/// `LedgerSchema+Postgres.swift` for how the PostgreSQL text differs); never edit a shipped one. SQLite applies
/// them through GRDB's migrator (table `grdb_migrations`); PostgreSQL through `migrate(_:)` in
/// LedgerSchema+Postgres.swift (table `ledger_migrations`, under an advisory lock).
enum LedgerSchema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        for migration in migrations {
            m.registerMigration(migration.name) { db in try db.execute(sql: migration.sqlite) }
        }
        return m
    }

    static let migrations: [LedgerMigration] = [

        // Cases (one per household) and their append-only history.
        LedgerMigration(
            "v1-cases",
            sqlite: """
                CREATE TABLE cases (
                    household_id TEXT PRIMARY KEY NOT NULL,
                    town TEXT NOT NULL,
                    village TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('预警', '监测中', '不予纳入', '风险已消除')),
                    opened_month TEXT NOT NULL,
                    monitored_since TEXT,
                    last_alert_id TEXT,
                    last_alert_month TEXT,
                    last_triggers TEXT NOT NULL DEFAULT '[]',       -- JSON array of codes
                    rejected_on_alert_id TEXT,
                    rejected_on_triggers TEXT NOT NULL DEFAULT '[]', -- JSON array of codes
                    elimination_kind TEXT CHECK (elimination_kind IN ('帮扶消除', '自然消除')),
                    measures TEXT NOT NULL DEFAULT '[]',            -- JSON array, first-appearance order
                    updated_at TEXT NOT NULL
                );
                CREATE INDEX cases_state ON cases(state);
                CREATE INDEX cases_town ON cases(town, village, household_id);

                CREATE TABLE history (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    household_id TEXT NOT NULL,
                    at TEXT NOT NULL,
                    month TEXT,
                    event TEXT NOT NULL,
                    from_state TEXT,
                    to_state TEXT,
                    actor TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    -- alert events: household|month|alert id|event, so a rerun of a month
                    -- records nothing twice; NULL for findings (deduplicated by last_findings)
                    event_key TEXT UNIQUE
                );
                CREATE INDEX history_household ON history(household_id, id);
                CREATE TRIGGER history_no_update BEFORE UPDATE ON history
                    BEGIN SELECT RAISE(ABORT, 'the case history is append-only'); END;
                CREATE TRIGGER history_no_delete BEFORE DELETE ON history
                    BEGIN SELECT RAISE(ABORT, 'the case history is append-only'); END;
                """, postgres: LedgerSchema.Postgres.v1_cases),

        // Every alert id ever emitted (never deleted), the alerts and evaluations of each month
        // (replaced by a rerun of that month).
        LedgerMigration(
            "v1-alerts",
            sqlite: """
                CREATE TABLE alert_ids (
                    alert_id TEXT PRIMARY KEY NOT NULL,
                    household_id TEXT NOT NULL,
                    town TEXT NOT NULL,
                    village TEXT NOT NULL,
                    triggers TEXT NOT NULL,          -- JSON array of codes
                    first_month TEXT NOT NULL,
                    last_month TEXT NOT NULL
                );
                CREATE INDEX alert_ids_household ON alert_ids(household_id);

                CREATE TABLE alerts (
                    month TEXT NOT NULL,
                    alert_id TEXT NOT NULL REFERENCES alert_ids(alert_id),
                    household_id TEXT NOT NULL,
                    town TEXT NOT NULL,
                    village TEXT NOT NULL,
                    level TEXT NOT NULL CHECK (level IN ('red', 'orange', 'yellow')),
                    triggers TEXT NOT NULL,          -- JSON array of codes
                    household_type TEXT NOT NULL,
                    run TEXT NOT NULL,
                    PRIMARY KEY (month, alert_id),
                    UNIQUE (month, household_id)
                );

                CREATE TABLE evaluations (
                    household_id TEXT NOT NULL,
                    month TEXT NOT NULL,
                    at_or_above_line INTEGER NOT NULL CHECK (at_or_above_line IN (0, 1)),
                    triggered INTEGER NOT NULL CHECK (triggered IN (0, 1)),
                    PRIMARY KEY (household_id, month)
                );
                CREATE INDEX evaluations_month ON evaluations(month);
                """, postgres: LedgerSchema.Postgres.v1_alerts),

        // Findings: the last one applied per alert (idempotence) and the files applied whole.
        LedgerMigration(
            "v1-findings",
            sqlite: """
                CREATE TABLE last_findings (
                    alert_id TEXT PRIMARY KEY NOT NULL REFERENCES alert_ids(alert_id),
                    kind TEXT NOT NULL CHECK (kind IN ('确认纳入', '不予纳入', '风险已消除', '待核')),
                    measures TEXT NOT NULL,          -- JSON array
                    source TEXT NOT NULL,
                    at TEXT NOT NULL
                );

                CREATE TABLE finding_sources (
                    source_key TEXT PRIMARY KEY NOT NULL,
                    source TEXT NOT NULL,
                    findings INTEGER NOT NULL,
                    outcomes TEXT NOT NULL,          -- JSON array, one code per finding (replayed on a repeat)
                    applied_at TEXT NOT NULL
                );
                """, postgres: LedgerSchema.Postgres.v1_findings),

        // Proposed matches for damaged and unmatched records (RULES.md §11): every pair ever listed, its state
        // (pending, confirmed, denied), and the review files applied (replayed on a repeat, like findings).
        LedgerMigration(
            "v2-review",
            sqlite: """
                CREATE TABLE review_pairs (
                    review_id TEXT PRIMARY KEY NOT NULL,
                    feed TEXT NOT NULL,
                    record TEXT NOT NULL,            -- the record's key as received (feed and key fields)
                    record_hash TEXT NOT NULL,       -- link's hash of that key (16 hex digits)
                    linked_hash TEXT NOT NULL,       -- the same key as if the ID were the candidate's
                    person_id TEXT NOT NULL,         -- the candidate
                    household_id TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'confirmed', 'denied')),
                    first_month TEXT NOT NULL,
                    reviewed_by TEXT,
                    reviewed_on TEXT,
                    source TEXT,
                    updated_at TEXT NOT NULL
                );
                CREATE INDEX review_pairs_record ON review_pairs(feed, record);
                CREATE INDEX review_pairs_state ON review_pairs(state);

                CREATE TABLE review_sources (
                    source_key TEXT PRIMARY KEY NOT NULL,
                    source TEXT NOT NULL,
                    decisions INTEGER NOT NULL,
                    outcomes TEXT NOT NULL,          -- JSON array, one code per decision (replayed on a repeat)
                    applied_at TEXT NOT NULL
                );
                """, postgres: LedgerSchema.Postgres.v2_review),

        // RULES.md §13: the day D a case in 预警 was first listed with a red or orange alert (the run's date).
        LedgerMigration(
            "v2-first-listed-on", sqlite: "ALTER TABLE cases ADD COLUMN first_listed_on TEXT",
            postgres: LedgerSchema.Postgres.v2_first_listed_on),

        // RULES.md §13's public notice: per month, the history ids its notice covers (from, to]. The row of
        // month '' marks where the ledger's history stood when this version first opened it: findings
        // ingested before are never published.
        LedgerMigration(
            "v2-notice-marks",
            sqlite: """
                CREATE TABLE notice_marks (
                    month TEXT PRIMARY KEY NOT NULL,
                    from_id INTEGER NOT NULL,
                    to_id INTEGER NOT NULL
                );
                INSERT INTO notice_marks (month, from_id, to_id)
                    SELECT '', COALESCE(MAX(id), 0), COALESCE(MAX(id), 0) FROM history;
                """, postgres: LedgerSchema.Postgres.v2_notice_marks),

        // RULES.md §12: each alert's category as listed (突发严重困难户 where rules.sudden_hardship is on), beside
        // the household's type; '' for alerts recorded before this migration.
        LedgerMigration(
            "v3-alert-category", sqlite: "ALTER TABLE alerts ADD COLUMN category TEXT NOT NULL DEFAULT ''",
            postgres: "ALTER TABLE alerts ADD COLUMN category TEXT COLLATE \"C\" NOT NULL DEFAULT ''"),

        // The history by month: each month's recording reads the event keys of its month (a rerun records
        // nothing twice) and the findings' ingest the month's suggestions; both read the whole history without
        // it, which grows by hundreds of thousands of entries a month at province scale. (PostgreSQL's v1 had it.)
        LedgerMigration(
            "v4-history-month", sqlite: "CREATE INDEX history_month ON history(month)",
            postgres: "CREATE INDEX IF NOT EXISTS history_month ON history(month)"),

        // The alerts of each month, county and level, kept by recordMonth beside the month's alerts (replaced with
        // them): the report's trend reads these few rows, not every alert of every month. Filled from the alerts
        // already recorded.
        LedgerMigration(
            "v5-alert-counts",
            sqlite: """
                CREATE TABLE alert_counts (
                    month TEXT NOT NULL,
                    county TEXT NOT NULL,
                    level TEXT NOT NULL CHECK (level IN ('red', 'orange', 'yellow')),
                    alerts INTEGER NOT NULL,
                    PRIMARY KEY (month, county, level)
                );
                INSERT INTO alert_counts (month, county, level, alerts)
                    SELECT month, substr(household_id, 1, 6), level, COUNT(*) FROM alerts
                    GROUP BY month, substr(household_id, 1, 6), level;
                """,
            postgres: LedgerSchema.Postgres.v5_alert_counts),
    ]
}

/// One named migration: its DDL for each backend.
struct LedgerMigration: Sendable {
    let name: String
    let sqlite: String
    let postgres: String

    init(_ name: String, sqlite: String, postgres: String) {
        self.name = name
        self.sqlite = sqlite
        self.postgres = postgres
    }
}
