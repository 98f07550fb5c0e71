//! Embeds the templates folder, so a new template is a new file and
//! nothing else.
fn main() {
    minijinja_embed::embed_templates!("templates");
}
