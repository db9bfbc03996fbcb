import Foundation

/// The named migrations' PostgreSQL text, and how PostgreSQL applies them.
///
/// The tables and columns are SQLite's; what differs: text is `TEXT COLLATE "C"` (byte order, as SQLite
/// compares and sorts, whatever the database's locale; and a `LIKE '440825%'` county prefix can use the
/// indexes), the history's id is `BIGSERIAL`, its append-only triggers call a function. Counties share the
/// tables (a household id begins with its county's six digits; every query of a run is scoped to its county);
/// `notice_marks.month` holds `<county>|<month>` there.
extension LedgerSchema {
    enum Postgres {
        static let v1_cases = """
            CREATE TABLE cases (
                household_id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                town TEXT COLLATE "C" NOT NULL,
                village TEXT COLLATE "C" NOT NULL,
                state TEXT COLLATE "C" NOT NULL CHECK (state IN ('预警', '监测中', '不予纳入', '风险已消除')),
                opened_month TEXT COLLATE "C" NOT NULL,
                monitored_since TEXT COLLATE "C",
                last_alert_id TEXT COLLATE "C",
                last_alert_month TEXT COLLATE "C",
                last_triggers TEXT COLLATE "C" NOT NULL DEFAULT '[]',
                rejected_on_alert_id TEXT COLLATE "C",
                rejected_on_triggers TEXT COLLATE "C" NOT NULL DEFAULT '[]',
                elimination_kind TEXT COLLATE "C" CHECK (elimination_kind IN ('帮扶消除', '自然消除')),
                measures TEXT COLLATE "C" NOT NULL DEFAULT '[]',
                updated_at TEXT COLLATE "C" NOT NULL
            );
            CREATE INDEX cases_state ON cases(state);
            CREATE INDEX cases_town ON cases(town, village, household_id);

            CREATE TABLE history (
                id BIGSERIAL PRIMARY KEY,
                household_id TEXT COLLATE "C" NOT NULL,
                at TEXT COLLATE "C" NOT NULL,
                month TEXT COLLATE "C",
                event TEXT COLLATE "C" NOT NULL,
                from_state TEXT COLLATE "C",
                to_state TEXT COLLATE "C",
                actor TEXT COLLATE "C" NOT NULL,
                detail TEXT COLLATE "C" NOT NULL,
                event_key TEXT COLLATE "C" UNIQUE
            );
            CREATE INDEX history_household ON history(household_id, id);
            CREATE INDEX history_month ON history(month);
            CREATE FUNCTION ledger_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'the case history is append-only'; END $$;
            CREATE TRIGGER history_no_update BEFORE UPDATE ON history
                FOR EACH ROW EXECUTE FUNCTION ledger_history_append_only();
            CREATE TRIGGER history_no_delete BEFORE DELETE ON history
                FOR EACH ROW EXECUTE FUNCTION ledger_history_append_only();
            """

        static let v1_alerts = """
            CREATE TABLE alert_ids (
                alert_id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                household_id TEXT COLLATE "C" NOT NULL,
                town TEXT COLLATE "C" NOT NULL,
                village TEXT COLLATE "C" NOT NULL,
                triggers TEXT COLLATE "C" NOT NULL,
                first_month TEXT COLLATE "C" NOT NULL,
                last_month TEXT COLLATE "C" NOT NULL
            );
            CREATE INDEX alert_ids_household ON alert_ids(household_id);

            CREATE TABLE alerts (
                month TEXT COLLATE "C" NOT NULL,
                alert_id TEXT COLLATE "C" NOT NULL REFERENCES alert_ids(alert_id),
                household_id TEXT COLLATE "C" NOT NULL,
                town TEXT COLLATE "C" NOT NULL,
                village TEXT COLLATE "C" NOT NULL,
                level TEXT COLLATE "C" NOT NULL CHECK (level IN ('red', 'orange', 'yellow')),
                triggers TEXT COLLATE "C" NOT NULL,
                household_type TEXT COLLATE "C" NOT NULL,
                run TEXT COLLATE "C" NOT NULL,
                PRIMARY KEY (month, alert_id),
                UNIQUE (month, household_id)
            );

            CREATE TABLE evaluations (
                household_id TEXT COLLATE "C" NOT NULL,
                month TEXT COLLATE "C" NOT NULL,
                at_or_above_line INTEGER NOT NULL CHECK (at_or_above_line IN (0, 1)),
                triggered INTEGER NOT NULL CHECK (triggered IN (0, 1)),
                PRIMARY KEY (household_id, month)
            );
            CREATE INDEX evaluations_month ON evaluations(month, household_id);
            """

        static let v1_findings = """
            CREATE TABLE last_findings (
                alert_id TEXT COLLATE "C" PRIMARY KEY NOT NULL REFERENCES alert_ids(alert_id),
                kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('确认纳入', '不予纳入', '风险已消除', '待核')),
                measures TEXT COLLATE "C" NOT NULL,
                source TEXT COLLATE "C" NOT NULL,
                at TEXT COLLATE "C" NOT NULL
            );

            CREATE TABLE finding_sources (
                source_key TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                source TEXT COLLATE "C" NOT NULL,
                findings INTEGER NOT NULL,
                outcomes TEXT COLLATE "C" NOT NULL,
                applied_at TEXT COLLATE "C" NOT NULL
            );
            """

        static let v2_review = """
            CREATE TABLE review_pairs (
                review_id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                feed TEXT COLLATE "C" NOT NULL,
                record TEXT COLLATE "C" NOT NULL,
                record_hash TEXT COLLATE "C" NOT NULL,
                linked_hash TEXT COLLATE "C" NOT NULL,
                person_id TEXT COLLATE "C" NOT NULL,
                household_id TEXT COLLATE "C" NOT NULL,
                state TEXT COLLATE "C" NOT NULL CHECK (state IN ('pending', 'confirmed', 'denied')),
                first_month TEXT COLLATE "C" NOT NULL,
                reviewed_by TEXT COLLATE "C",
                reviewed_on TEXT COLLATE "C",
                source TEXT COLLATE "C",
                updated_at TEXT COLLATE "C" NOT NULL
            );
            CREATE INDEX review_pairs_record ON review_pairs(feed, record);
            CREATE INDEX review_pairs_state ON review_pairs(state);

            CREATE TABLE review_sources (
                source_key TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                source TEXT COLLATE "C" NOT NULL,
                decisions INTEGER NOT NULL,
                outcomes TEXT COLLATE "C" NOT NULL,
                applied_at TEXT COLLATE "C" NOT NULL
            );
            """

        static let v2_first_listed_on = "ALTER TABLE cases ADD COLUMN first_listed_on TEXT COLLATE \"C\""

        /// No row of month '' here: a new shared ledger has no history before it (`ledger copy` brings a
        /// county's marks with it).
        static let v2_notice_marks = """
            CREATE TABLE notice_marks (
                month TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                from_id BIGINT NOT NULL,
                to_id BIGINT NOT NULL
            );
            """

        static let v5_alert_counts = """
            CREATE TABLE alert_counts (
                month TEXT COLLATE "C" NOT NULL,
                county TEXT COLLATE "C" NOT NULL,
                level TEXT COLLATE "C" NOT NULL CHECK (level IN ('red', 'orange', 'yellow')),
                alerts INTEGER NOT NULL,
                PRIMARY KEY (month, county, level)
            );
            INSERT INTO alert_counts (month, county, level, alerts)
                SELECT month, substr(household_id, 1, 6), level, COUNT(*) FROM alerts
                GROUP BY month, substr(household_id, 1, 6), level;
            """
    }

    /// The advisory-lock class of the ledger's locks (the first key of `pg_advisory_lock(int, int)`); the
    /// second is 0 for the migrations, the county's code for a run.
    static let postgresLockClass: Int32 = 0x4646  // "FF"

    /// Applies the migrations not yet applied, each in the one transaction with its record in
    /// `ledger_migrations`, all under a transaction-scoped advisory lock: two first runs at once are safe.
    static func migrate(_ c: PGConnection) throws {
        try c.transaction { c in
            try c.execute("SELECT pg_advisory_xact_lock(\(postgresLockClass), 0)")
            try c.execute(
                """
                CREATE TABLE IF NOT EXISTS ledger_migrations (
                    name TEXT COLLATE "C" PRIMARY KEY NOT NULL, applied_at TEXT COLLATE "C" NOT NULL)
                """)
            let applied = Set(try c.texts("SELECT name FROM ledger_migrations"))
            for m in migrations where !applied.contains(m.name) {
                try c.execute(m.postgres)
                try c.execute(
                    "INSERT INTO ledger_migrations (name, applied_at) VALUES (?, ?)", [.text(m.name), .text(isoNow())])
            }
        }
    }

    /// The names of the migrations applied, in the order of `migrations`.
    static func applied(_ c: any LedgerConnection) throws -> [String] {
        let names = Set(try c.texts("SELECT name FROM ledger_migrations"))
        return migrations.map(\.name).filter(names.contains)
    }
}
