//! Messages for the user: toasts that fade (errors stay until dismissed) and a log.

/// How important a message is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Something happened.
    Info,
    /// Something worked.
    Success,
    /// Something needs a look.
    Warning,
    /// Something failed.
    Error,
}

/// One message.
#[derive(Clone, Debug)]
pub struct Notification {
    /// Importance.
    pub level: Level,
    /// The text.
    pub text: String,
    /// When it was shown first (UI time in seconds; set on first display).
    pub shown_at: Option<f64>,
    /// Whether it still shows as a toast.
    pub visible: bool,
}

/// All messages of this session.
#[derive(Default)]
pub struct Notifications {
    /// Newest last.
    pub log: Vec<Notification>,
}

/// Seconds an informational toast stays.
const TOAST_SECONDS: f64 = 6.0;

impl Notifications {
    /// Adds a message.
    pub fn push(&mut self, level: Level, text: impl Into<String>) {
        self.log.push(Notification { level, text: text.into(), shown_at: None, visible: true });
        if self.log.len() > 500 {
            self.log.remove(0);
        }
    }

    /// Hides toasts past their time (errors and warnings stay until dismissed).
    pub fn expire(&mut self, now: f64) {
        for n in &mut self.log {
            let shown = *n.shown_at.get_or_insert(now);
            if matches!(n.level, Level::Info | Level::Success) && now - shown > TOAST_SECONDS {
                n.visible = false;
            }
        }
    }

    /// The messages currently shown as toasts.
    pub fn visible(&mut self) -> impl Iterator<Item = &mut Notification> {
        self.log.iter_mut().filter(|n| n.visible)
    }

    /// The newest message of at least `level`, for tests and the status bar.
    pub fn last(&self) -> Option<&Notification> {
        self.log.last()
    }
}
