//! Rebuild when migrations change: `sqlx::migrate!` embeds them at compile
//! time, and cargo would not otherwise notice a new or edited `.sql` file.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
