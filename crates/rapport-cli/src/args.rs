//! The command line (DESIGN §6). A stable surface: scripts and tests rely on it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "rapport",
    version,
    about = "Rapport: an offline-first, encrypted CRM",
    propagate_version = true
)]
pub struct Cli {
    /// Where the store lives [default: the platform data dir, e.g. ~/.local/share/rapport]
    #[arg(long, global = true, env = "RAPPORT_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print machine-readable JSON on stdout (and errors as JSON on stderr)
    #[arg(long, global = true)]
    pub json: bool,
    /// Fix "now" (RFC 3339) for reproducible reports and scripts
    #[arg(long, global = true, env = "RAPPORT_NOW", value_name = "TIME")]
    pub now: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the encrypted store (key in the system keychain, or RAPPORT_PASSPHRASE)
    Init,
    /// Fill an empty store with realistic generated data
    Demo {
        #[arg(long, default_value_t = 200)]
        customers: u32,
        /// Seed for the generator (same seed and --now, same data)
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Add, show, list, edit or delete customers
    #[command(subcommand)]
    Customer(CustomerCmd),
    /// Log an interaction on a customer's timeline
    Log(LogArgs),
    /// Follow-ups: tasks with a due time
    #[command(subcommand)]
    Followup(FollowupCmd),
    /// Deals in the pipeline
    #[command(subcommand)]
    Deal(DealCmd),
    /// Pipeline stages and their default win probabilities
    #[command(subcommand)]
    Stage(StageCmd),
    /// Who needs attention: overdue nudges, due follow-ups, upcoming personal dates
    Today {
        /// Announce birthdays and other dates this many days ahead
        #[arg(long, default_value_t = 7)]
        days: u32,
    },
    /// Pipeline, forecast, win rate, sales cycle, CLV, retention, NPS, complaints, who is slipping
    Insights {
        /// The period: the last DAYS days up to now
        #[arg(long, default_value_t = 365, conflicts_with = "from")]
        days: u32,
        /// Or an explicit period start (with --to, default now)
        #[arg(long, value_name = "TIME")]
        from: Option<String>,
        #[arg(long, value_name = "TIME", requires = "from")]
        to: Option<String>,
    },
    /// Lead scores and the shared scoring rules
    #[command(subcommand)]
    Score(ScoreCmd),
    /// Keep-in-touch cadence for everyone with a tag (a customer's own cadence wins)
    Cadence {
        #[arg(long)]
        tag: String,
        /// Due after this many days without contact
        #[arg(long, value_name = "DAYS", required_unless_present = "clear")]
        every: Option<u32>,
        /// Overdue after this many days [default: every × 1.5]
        #[arg(long, value_name = "DAYS", requires = "every")]
        max: Option<u32>,
        /// Remove the tag's cadence
        #[arg(long, conflicts_with = "every")]
        clear: bool,
    },
    /// Find customers by name, company, email, phone, tags, notes or timeline, best first
    /// (word prefixes, accents and case ignored, typos forgiven; any text is just text)
    Search {
        query: String,
        /// Show at most N customers
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        limit: u32,
    },
    /// Import customers from a CSV file (Google, Outlook, HubSpot, Salesforce, any
    /// spreadsheet); `import undo` and `import list` manage past imports
    Import(ImportArgs),
    /// Customers that look like one person, best first, with reasons
    Duplicates {
        #[arg(long, default_value_t = 100)]
        limit: u32,
        /// Region for phone numbers written without a country code, e.g. GB
        /// [default: from the locale (LC_ALL, LC_CTYPE, LANG)]
        #[arg(long)]
        region: Option<String>,
        #[command(subcommand)]
        action: Option<DuplicatesCmd>,
    },
    /// Merges: list them, or undo one
    #[command(subcommand)]
    Merge(MergeCmd),
    /// Tags: usage, rename (onto an existing tag: merge), delete, unused
    #[command(subcommand)]
    Tags(TagsCmd),
    /// What needs attention: stale customers, missing contact data, invalid emails and
    /// phones, inconsistent tags
    Audit {
        /// A customer with a cadence, or at stage "customer", is stale after this many
        /// days without contact
        #[arg(long, value_name = "DAYS", default_value_t = rapport_core::hygiene::DEFAULT_STALE_DAYS)]
        stale_days: u32,
        /// Region for phone numbers written without a country code [default: the locale's]
        #[arg(long)]
        region: Option<String>,
    },
    /// Export data: JSON (everything), CSV, vCard 4.0 or iCalendar (follow-ups and personal dates)
    Export {
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
        /// Write to FILE instead of stdout (refuses to overwrite)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Only this customer (id, name or email)
        #[arg(long, value_name = "CUSTOMER")]
        customer: Option<String>,
    },
    /// Write an encrypted, consistent copy of the store to FILE
    Backup { file: PathBuf },
    /// Replace the store's data with a backup (checked first; the current data is kept in
    /// backups/pre-restore-*.db)
    Restore { file: PathBuf },
    /// Erase a customer everywhere (privacy request): their records, search terms and
    /// history; asks you to type their name unless --yes
    Erase {
        customer: String,
        /// Do not ask (scripts)
        #[arg(long)]
        yes: bool,
    },
    /// Check the store: encryption, integrity, schema, sizes
    Doctor,
    /// Sync account: create one, sign this device in or out, list and revoke devices
    #[command(subcommand)]
    Account(AccountCmd),
    /// Push this device's changes to the team's server and take in everyone else's
    Sync {
        /// The server's new address, when it moved (the same server and team)
        #[arg(long, value_name = "URL")]
        server: Option<String>,
    },
    /// Edits of an important field (name, owner, deal value or stage, note) made at once on
    /// two devices: the one that lost is kept here for review
    Conflicts {
        #[command(subcommand)]
        action: Option<ConflictsCmd>,
    },
    /// Run the sync server (the same as the rapport-server binary; RAPPORT_LOG sets the log level)
    Server(ServerArgs),
    #[command(subcommand, hide = true)]
    Debug(DebugCmd),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
    Vcard,
    Ics,
}

impl From<ExportFormat> for rapport_core::export_file::ExportFormat {
    fn from(f: ExportFormat) -> Self {
        use rapport_core::export_file::ExportFormat as F;
        match f {
            ExportFormat::Json => F::Json,
            ExportFormat::Csv => F::Csv,
            ExportFormat::Vcard => F::Vcard,
            ExportFormat::Ics => F::Ics,
        }
    }
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub cmd: Option<ImportCmd>,
    /// The file to import
    #[arg(required = true)]
    pub file: Option<PathBuf>,
    /// Only report what would happen (per row); write nothing
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, value_enum, default_value_t = ImportFormatArg::Auto)]
    pub format: ImportFormatArg,
    /// The file's encoding (utf-8, windows-1252, utf-16le, iso-8859-15…) [default: detected]
    #[arg(long, value_name = "ENC")]
    pub encoding: Option<String>,
    /// Import the good rows and skip the bad ones (default: any bad row stops the import)
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// How to read dates like 03/04/1990: dmy (3 April) or mdy (4 March)
    #[arg(long, value_enum)]
    pub date_order: Option<DateOrderArg>,
    /// A JSON column mapping: {"columns":[{"column":"Kunde","field":"name"},…]}
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ImportCmd {
    /// Undo an import: customers it created are deleted, fields it changed restored
    Undo {
        /// The import's id (from `rapport import list`) [default: the latest one]
        batch: Option<String>,
    },
    /// Past imports, newest first
    List,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormatArg {
    Auto,
    Csv,
    Vcard,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DateOrderArg {
    Dmy,
    Mdy,
}

// Parsed once per process: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum CustomerCmd {
    /// Add a person (or a company with --company-record)
    Add(CustomerAddArgs),
    /// Show everything about one customer
    Show { customer: String },
    /// List customers
    List {
        #[arg(long)]
        tag: Option<String>,
        /// Only customers with words starting with these (in names, companies, emails,
        /// phones, notes, tags or the timeline; accents and case ignored)
        #[arg(long)]
        query: Option<String>,
        /// Only this lifecycle stage: lead, prospect, customer, former
        #[arg(long)]
        stage: Option<String>,
        /// Only customers with this owner
        #[arg(long)]
        owner: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: u32,
        /// Skip this many (pages: --offset 100 --limit 100)
        #[arg(long, default_value_t = 0)]
        offset: u32,
    },
    /// Change fields: --set FIELD=VALUE (an empty VALUE clears the field)
    Edit {
        customer: String,
        #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
        set: Vec<String>,
    },
    /// Delete a customer
    Delete { customer: String },
    /// Merge DUPLICATE into CUSTOMER: its timeline, follow-ups and deals move, lists are
    /// combined, single fields stay the survivor's (filled from the duplicate where
    /// empty) unless picked with --pick FIELD=duplicate
    Merge {
        duplicate: String,
        #[arg(long, value_name = "CUSTOMER")]
        into: String,
        #[arg(long = "pick", value_name = "FIELD=duplicate|survivor")]
        pick: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DuplicatesCmd {
    /// Say that two customers are not one person: the pair is not proposed again
    Dismiss { a: String, b: String },
}

#[derive(Debug, Subcommand)]
pub enum MergeCmd {
    /// Every merge, newest first
    List,
    /// Undo a merge (default: the newest not undone)
    Undo { merge: Option<String> },
}

#[derive(Debug, Subcommand)]
pub enum TagsCmd {
    /// Tags in use and how many customers carry each
    List,
    /// Rename every spelling of FROM to TO (onto an existing tag, the two become one)
    Rename { from: String, to: String },
    /// Remove a tag from every customer
    Delete { tag: String },
    /// Tags that cadences or scoring rules name but no customer carries
    Unused,
}

#[derive(Debug, Args)]
pub struct CustomerAddArgs {
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub email: Vec<String>,
    #[arg(long)]
    pub phone: Vec<String>,
    /// The company the person works for (created if new)
    #[arg(long)]
    pub company: Option<String>,
    /// Add a company rather than a person
    #[arg(long, conflicts_with = "company")]
    pub company_record: bool,
    #[arg(long)]
    pub title: Option<String>,
    #[arg(long)]
    pub tag: Vec<String>,
    /// YYYY-MM-DD, or --MM-DD when the year is unknown (write --birthday=--12-24)
    #[arg(long, allow_hyphen_values = true)]
    pub birthday: Option<String>,
    /// Nudge when there has been no contact for this many days
    #[arg(long, value_name = "DAYS")]
    pub keep_in_touch: Option<u32>,
    /// email, phone, sms, whatsapp or in_person
    #[arg(long)]
    pub channel: Option<String>,
    /// lead, prospect, customer or former
    #[arg(long)]
    pub stage: Option<String>,
    #[arg(long)]
    pub notes: Option<String>,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    pub customer: String,
    /// note, call, email, meeting, visit, purchase, complaint or feedback
    #[arg(long)]
    pub kind: String,
    #[arg(long)]
    pub summary: String,
    #[arg(long)]
    pub body: Option<String>,
    /// When it happened (default: now)
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// For purchases: "12.50 EUR"
    #[arg(long, allow_hyphen_values = true)]
    pub amount: Option<String>,
    /// For feedback: NPS score 0-10
    #[arg(long)]
    pub score: Option<u8>,
}

#[derive(Debug, Subcommand)]
pub enum FollowupCmd {
    /// Add a follow-up for a customer
    Add {
        customer: String,
        #[arg(long, value_name = "TIME")]
        due: String,
        #[arg(long)]
        title: String,
    },
    /// List open follow-ups (--all includes done ones)
    List {
        #[arg(long)]
        all: bool,
        #[arg(long)]
        customer: Option<String>,
    },
    /// Mark a follow-up done
    Done { id: String },
    /// Snooze a follow-up until a later time
    Snooze {
        id: String,
        #[arg(long, value_name = "TIME")]
        until: String,
    },
    /// Rules that create follow-ups (applied by every `rapport today`)
    #[command(subcommand)]
    Rule(FollowupRuleCmd),
}

#[derive(Debug, Subcommand)]
pub enum FollowupRuleCmd {
    /// Add a rule; --when is a trigger as JSON: '{"when":"birthday_in","days":7}',
    /// '{"when":"date_in","days":14,"label":"wedding"}', '{"when":"no_contact_for","days":60}',
    /// '{"when":"no_purchase_for","days":90,"min_purchases":3}'
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, value_name = "JSON")]
        when: String,
        /// The follow-up's title
        #[arg(long)]
        title: String,
    },
    List,
    Delete {
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum DealCmd {
    Add {
        #[arg(long)]
        customer: String,
        #[arg(long)]
        title: String,
        /// "12000 EUR"
        #[arg(long)]
        value: String,
        #[arg(long)]
        stage: Option<String>,
        /// Expected close date, YYYY-MM-DD
        #[arg(long)]
        close: Option<String>,
    },
    List,
    Move {
        deal: String,
        #[arg(long)]
        stage: String,
    },
    Won {
        deal: String,
    },
    Lost {
        deal: String,
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum StageCmd {
    List,
    /// Add a stage (at the end, or at --position)
    Add {
        name: String,
        /// Default win probability, percent
        #[arg(long)]
        probability: u8,
        #[arg(long)]
        position: Option<u32>,
    },
    /// Rename, re-weight or move a stage
    Edit {
        stage: String,
        #[arg(long)]
        rename: Option<String>,
        #[arg(long)]
        probability: Option<u8>,
        #[arg(long)]
        position: Option<u32>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ScoreCmd {
    /// Customers by score, highest first, each with its top contributors
    List {
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// One customer's score and why
    Show { customer: String },
    /// The scoring rules
    Rules,
    /// Add a rule: --when is a condition as JSON, e.g. '{"if":"tag","tag":"vip"}',
    /// '{"if":"interactions","kind":"visit","at_least":2,"within_days":90}',
    /// '{"if":"spent","at_least":{"minor":10000,"currency":"EUR"}}', '{"if":"has_email"}',
    /// '{"if":"stage","stage":"customer"}', '{"if":"not_contacted_for_days","days":60}'
    AddRule {
        #[arg(long)]
        name: String,
        #[arg(long, allow_hyphen_values = true)]
        points: i32,
        #[arg(long, value_name = "JSON")]
        when: String,
    },
    /// Remove a rule by id
    DeleteRule { id: String },
}

/// Test and diagnostics helpers; not part of the stable surface.
#[derive(Debug, Subcommand)]
pub enum DebugCmd {
    /// Add COUNT notes to CUSTOMER one transaction at a time, printing each id once it is
    /// committed (the kill -9 durability test reads these acknowledgements).
    WriteLoop {
        customer: String,
        #[arg(long, default_value_t = 1000)]
        count: u32,
    },
}

#[derive(Debug, Args)]
pub struct ServerArgs {
    /// sqlite://PATH or postgres://USER@HOST/DB
    #[arg(long, env = "RAPPORT_SERVER_DATABASE", hide_env_values = true,
          default_value = rapport_server::DEFAULT_DATABASE)]
    pub database: String,
    /// Address and port to listen on
    #[arg(long, default_value = rapport_server::DEFAULT_LISTEN)]
    pub listen: std::net::SocketAddr,
    /// PEM certificate chain for HTTPS
    #[arg(long, requires = "tls_key", value_name = "PEM")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for HTTPS
    #[arg(long, requires = "tls_cert", value_name = "PEM")]
    pub tls_key: Option<PathBuf>,
    /// Serve plain HTTP on a non-loopback address (only behind a proxy that terminates TLS)
    #[arg(long)]
    pub allow_plain_http: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConflictsCmd {
    /// Settle one with a new edit, on every device once synced
    #[command(group(clap::ArgGroup::new("choice").required(true)))]
    Resolve {
        /// The conflict's id, as `rapport conflicts` lists it
        id: String,
        /// Keep the value in effect now
        #[arg(long, group = "choice")]
        keep_current: bool,
        /// Use the value that lost
        #[arg(long, group = "choice")]
        use_losing: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountCmd {
    /// Create an account (a new team you own, or with --invite a team that invited you),
    /// then sign this device in
    Register {
        #[command(flatten)]
        sign_in: SignInArgs,
        /// The new team's name
        #[arg(long, value_name = "NAME", conflicts_with = "invite")]
        team: Option<String>,
        /// An invite code from the team's owner or an admin (`rapport account invite`)
        // Codes issued before they were hex could start with `-`.
        #[arg(long, value_name = "CODE", allow_hyphen_values = true)]
        invite: Option<String>,
    },
    /// Sign this device in to an account
    Login(SignInArgs),
    /// Sign this device out (local data and unsynced changes stay)
    Logout,
    /// The team's devices (owners and admins), or your own
    Devices,
    /// Sign a device out of the team at once; it keeps its local data
    Revoke { device: uuid::Uuid },
    /// A one-use code that lets someone join your team (owners and admins; valid 7 days)
    Invite,
}

#[derive(Debug, clap::Args)]
pub struct SignInArgs {
    /// The sync server, e.g. https://sync.example.com
    #[arg(long, value_name = "URL")]
    pub server: String,
    #[arg(long)]
    pub email: String,
    /// Read the password from standard input (one line)
    #[arg(long)]
    pub password_stdin: bool,
    /// This device's name in the device list [default: the computer's name]
    #[arg(long, value_name = "NAME")]
    pub device_name: Option<String>,
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;

    #[test]
    fn an_invite_code_may_start_with_a_hyphen() {
        let args = ["rapport", "account", "register", "--server", "http://127.0.0.1:1"];
        let args = [&args[..], &["--email", "a@b.c", "--invite", "-qewCD_x", "--password-stdin"]];
        let cli = Cli::try_parse_from(args.concat()).unwrap();
        let Command::Account(AccountCmd::Register { invite, .. }) = cli.command else {
            panic!("{cli:?}")
        };
        assert_eq!(invite.as_deref(), Some("-qewCD_x"));
    }
}
