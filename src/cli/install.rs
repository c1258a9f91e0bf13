//! `carrot completions SHELL` and `carrot man`: what a package installs next to the binary
//! (scripts/package.sh writes them into the .deb), generated from the same clap definition the
//! command line parses with, so they never drift from it.

use std::io::{self, Write};

use clap::{CommandFactory as _, ValueEnum};

use super::Cli;

/// The shells `carrot completions` writes a script for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    /// Bash (install as /usr/share/bash-completion/completions/carrot).
    Bash,
    /// Zsh (install as _carrot in a folder of $fpath).
    Zsh,
    /// Fish (install as ~/.config/fish/completions/carrot.fish).
    Fish,
    /// PowerShell (dot-source it from your profile).
    Powershell,
}

/// Writes the completion script for `shell`.
pub fn completions(shell: CompletionShell, w: &mut dyn Write) -> io::Result<()> {
    use clap_complete::Shell;
    let shell = match shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
        CompletionShell::Powershell => Shell::PowerShell,
    };
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "carrot", &mut buf);
    w.write_all(&buf)
}

/// Writes the man page (roff): `carrot(1)` with every subcommand and its options, so `man carrot`
/// answers what `carrot SUB --help` does.
pub fn man(w: &mut dyn Write) -> io::Result<()> {
    let cmd = Cli::command();
    let page = clap_mangen::Man::new(cmd.clone()).section("1").manual("Carrot manual");
    let mut buf = Vec::new();
    page.render_title(&mut buf)?;
    page.render_name_section(&mut buf)?;
    page.render_synopsis_section(&mut buf)?;
    page.render_description_section(&mut buf)?;
    page.render_options_section(&mut buf)?;
    // One page for everything: the list of subcommands, then a section per subcommand with its
    // own options (clap_mangen's own list points at carrot-SUB(1) pages nobody installs).
    let subs: Vec<&clap::Command> =
        cmd.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help").collect();
    buf.extend_from_slice(b".SH SUBCOMMANDS\n");
    for sub in &subs {
        let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
        buf.extend_from_slice(
            format!(".TP\n\\fBcarrot {}\\fR\n{}\n", roff_escape(sub.get_name()), roff_escape(&about)).as_bytes(),
        );
    }
    for sub in subs {
        let sub_page = clap_mangen::Man::new(sub.clone().bin_name(format!("carrot {}", sub.get_name())));
        let mut section = Vec::new();
        sub_page.render_synopsis_section(&mut section)?;
        sub_page.render_description_section(&mut section)?;
        sub_page.render_options_section(&mut section)?;
        let text = String::from_utf8_lossy(&section)
            .replace(".SH SYNOPSIS", &format!(".SH \"{}\"", sub.get_name().to_uppercase()))
            .replace(".SH DESCRIPTION\n", ".PP\n")
            .replace(".SH OPTIONS", ".SS Options");
        buf.extend_from_slice(text.as_bytes());
    }
    page.render_version_section(&mut buf)?;
    buf.extend_from_slice(
        b".SH FILES\n.TP\n\\fI~/.local/share/carrot/\\fR\nThe app's saved workspace (app.ron) and the recovery \
          folder of unsaved plans.\n.SH \"EXIT STATUS\"\n0 success, 1 bad input (plan or roster), 2 wrong usage.\n",
    );
    w.write_all(&buf)
}

/// Text as roff shows it literally: backslashes and hyphens escaped, no line starting a request.
fn roff_escape(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') { format!("\\&{escaped}") } else { escaped }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> String {
        let mut buf = Vec::new();
        f(&mut buf).unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8(buf).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn every_shell_completes_every_subcommand_and_its_flags() {
        for shell in CompletionShell::value_variants() {
            let script = text(|w| completions(*shell, w));
            for name in ["validate", "payouts", "export", "compare", "simulate", "gen-roster", "completions", "man"] {
                assert!(script.contains(name), "{shell:?} completion lacks `{name}`");
            }
            assert!(script.contains("pay-date"), "{shell:?} completion lacks export's --pay-date");
        }
        assert!(text(|w| completions(CompletionShell::Bash, w)).contains("complete -F _carrot"));
        assert!(text(|w| completions(CompletionShell::Zsh, w)).starts_with("#compdef carrot"));
    }

    #[test]
    fn man_page_is_roff_with_every_subcommand_and_option() {
        let page = text(man);
        assert!(page.starts_with(".ie \\n(.g .ds Aq") || page.contains(".TH carrot 1"), "{page}");
        assert!(page.contains(".TH carrot 1"));
        for section in ["VALIDATE", "PAYOUTS", "EXPORT", "COMPARE", "SIMULATE", "GEN-ROSTER", "COMPLETIONS"] {
            assert!(page.contains(&format!(".SH \"{section}\"")), "no section {section}");
        }
        // Options of subcommands, not only of the top level.
        assert!(page.contains("pay\\-date"), "export's --pay-date is missing");
        assert!(page.contains("company\\-code"));
        assert!(page.contains("EXIT STATUS"));
        // The list names the subcommands as typed, not separate carrot-SUB(1) pages.
        assert!(page.contains("\\fBcarrot gen\\-roster\\fR"), "{page}");
        assert!(!page.contains("carrot\\-validate(1)"));
        assert!(page.contains(env!("CARGO_PKG_VERSION")));
    }
}
