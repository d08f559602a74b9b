//! The operator's command line: one binary serves, migrates, creates villages and seeds the demo.

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "digdaya",
    version,
    about = "Digdaya: the village information system, portal and services for Indonesian villages",
    after_help = "Settings come from the environment: DATABASE_URL (default sqlite://data/digdaya.db?mode=rwc; \
                  postgres://… for PostgreSQL), LEPTOS_SITE_ADDR (default 127.0.0.1:3000), \
                  LEPTOS_SITE_ROOT (default target/site), RUST_LOG (default info)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations, then serve the web app until Ctrl-C or SIGTERM.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create a village from its official kode wilayah (name and hierarchy from the official list).
    CreateVillage {
        /// The 10-digit kode wilayah of a desa/kelurahan, dotted or not: 36.04.05.2001 or 3604052001.
        #[arg(long)]
        code: String,
        /// The path of the village's site (/{slug}); derived from the name when left out.
        #[arg(long)]
        slug: Option<String>,
        /// A host name that serves this village at / (e.g. sukamaju.desa.id).
        #[arg(long)]
        host: Option<String>,
    },
    /// Create an official's account. The password comes from DIGDAYA_PASSWORD, or is generated
    /// and printed once.
    CreateOfficial {
        /// The village (kode wilayah or slug); leave out for a superadmin or a wilayah officer.
        #[arg(long)]
        village: Option<String>,
        /// For a wilayah officer: the kode wilayah of their kecamatan, kabupaten or province.
        #[arg(long)]
        region: Option<String>,
        /// Sign-in name: lower-case letters, digits, dots, dashes.
        #[arg(long)]
        username: String,
        /// Full name with titles, as shown on letters.
        #[arg(long)]
        name: String,
        /// operator, sekdes, kades, superadmin or wilayah (sees the figures of a region's villages).
        #[arg(long)]
        role: String,
    },
    /// Create the demo village with a realistic, deterministic population and demo officials.
    SeedDemo {
        /// The village to create.
        #[arg(long, default_value = crate::population::seed::DEMO_CODE)]
        code: String,
        /// How many residents to generate.
        #[arg(long, default_value_t = crate::population::seed::DEMO_RESIDENTS)]
        residents: u32,
        /// Seed of the generator: the same seed gives the same residents.
        #[arg(long, default_value_t = crate::population::seed::DEMO_SEED)]
        seed: u64,
        /// Do nothing when the database already has a village.
        #[arg(long)]
        if_empty: bool,
    },
    /// Import residents from the incumbent's Excel (.xlsx/.xlsm, sheet "Data Penduduk") or a CSV
    /// with the same 43-column header, in one transaction. Rows with errors are skipped and listed.
    ImportResidents {
        /// The village (kode wilayah or slug).
        #[arg(long)]
        village: String,
        /// Only check and report what would happen; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The file to import.
        file: std::path::PathBuf,
    },
    /// Back up the SQLite database (a consistent snapshot, while the server runs) and the
    /// uploaded files into one compressed zip. PostgreSQL: use pg_dump (see the README).
    /// The backup is encrypted with age to the operator's public key and readable by its owner
    /// only.
    Backup {
        /// Where to write; default `digdaya-backup-{date}-{time}.zip.age` in the current folder.
        #[arg(long)]
        output: Option<std::path::PathBuf>,
        /// The age public key (age1…) to encrypt to; default DIGDAYA_BACKUP_RECIPIENT.
        #[arg(long)]
        recipient: Option<String>,
    },
    /// Restore a backup made by `backup`, with the server stopped (refused while one serves the
    /// database). The database and files there now are kept beside, renamed
    /// `*.before-restore-{date}-{time}`.
    Restore {
        /// The backup file.
        file: std::path::PathBuf,
        /// The age identity file made by `backup-key`; default DIGDAYA_BACKUP_IDENTITY.
        #[arg(long)]
        identity: Option<std::path::PathBuf>,
    },
    /// Make the key pair backups are encrypted with: writes the identity (the secret half) to
    /// FILE, readable by its owner only, and prints the public key to set as
    /// DIGDAYA_BACKUP_RECIPIENT. Keep the identity off the server, where a thief of the server's
    /// disk cannot find it next to the backups.
    BackupKey {
        /// Where to write the identity (must not exist).
        #[arg(long)]
        output: std::path::PathBuf,
    },
    /// Check a letter's QR code without the network, with the village's published key: prints
    /// what was signed (to compare with the paper), or why the letter is not genuine. Needs no
    /// database. Whether the village revoked the letter since can only be seen online.
    VerifyLetter {
        /// The village's public key (the second line of /api/letters/{slug}/kunci), or a file
        /// holding that page.
        #[arg(long)]
        key: String,
        /// The address in the QR code (…/surat/cek/CODE?d=…&s=…).
        qr: String,
    },
    /// Make a token for a partner system to use the API (/api/v1/) for some villages. The token
    /// is printed once; only its hash is kept.
    CreateToken {
        /// Who will use it, e.g. "Dinas PMD Kabupaten Serang".
        #[arg(long)]
        name: String,
        /// A village it reaches (kode wilayah or slug); repeat for several.
        #[arg(long = "village", required = true)]
        villages: Vec<String>,
        /// Also allow writing (making letter requests); without it the token only reads.
        #[arg(long)]
        write: bool,
    },
    /// Revoke a partner token (by the number list-tokens shows): it stops working at once.
    RevokeToken {
        /// The token's number.
        id: i64,
    },
    /// List the partner tokens: number, name, villages, scope, last use (never the token).
    ListTokens,
    /// Export a village's residents in the import format (.xlsx or .csv).
    ExportResidents {
        /// The village (kode wilayah or slug).
        #[arg(long)]
        village: String,
        /// xlsx or csv.
        #[arg(long, default_value = "xlsx")]
        format: String,
        /// Where to write; default `penduduk-{slug}.{format}` in the current folder.
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
}
