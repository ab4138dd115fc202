//! Block time: the wall clock plus an offset (`evm_increaseTime`) and a one-shot override
//! for the next block (`evm_setNextBlockTimestamp`).

use std::time::{SystemTime, UNIX_EPOCH};

fn wall_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The chain's clock.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset: u64,
    next: Option<u64>,
}

impl Clock {
    /// Wall-clock seconds plus the offset.
    pub fn now(&self) -> u64 {
        wall_seconds().saturating_add(self.offset)
    }

    /// The timestamp the next block gets after a parent with `parent_timestamp`
    /// (never earlier than the parent's), without consuming an override.
    pub fn peek(&self, parent_timestamp: u64) -> u64 {
        match self.next {
            Some(t) => t,
            None => self.now().max(parent_timestamp),
        }
    }

    /// Consumes the one-shot override, if any.
    pub fn take_next(&mut self) -> Option<u64> {
        self.next.take()
    }

    /// Adds `seconds` to the offset; returns the new total offset, or `None` (and changes
    /// nothing) when the offset, the pending override or the clock itself would overflow.
    pub fn advance(&mut self, seconds: u64) -> Option<u64> {
        let offset = self.offset.checked_add(seconds)?;
        let next = match self.next {
            Some(next) => Some(next.checked_add(seconds)?),
            None => None,
        };
        // The clock (wall time + offset) must stay representable.
        wall_seconds().checked_add(offset)?;
        self.offset = offset;
        self.next = next;
        Some(offset)
    }

    /// Sets the next block's timestamp; later blocks continue from it
    /// (the offset is re-based so the wall clock resumes from there).
    pub fn set_next(&mut self, timestamp: u64) {
        let wall = self.now().saturating_sub(self.offset);
        self.offset = timestamp.saturating_sub(wall);
        self.next = Some(timestamp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_moves_time_and_set_next_is_one_shot() {
        let mut c = Clock::default();
        let before = c.now();
        assert_eq!(c.advance(3600), Some(3600));
        assert!(c.now() >= before + 3600);
        let target = c.now() + 10_000;
        c.set_next(target);
        assert_eq!(c.peek(0), target);
        assert_eq!(c.take_next(), Some(target));
        assert!(c.peek(0) >= target && c.peek(0) < target + 5);
        assert_eq!(c.peek(u64::MAX), u64::MAX);
    }

    #[test]
    fn an_out_of_range_advance_changes_nothing() {
        let mut c = Clock::default();
        c.advance(10).expect("small advance");
        let target = c.now() + 100;
        c.set_next(target);
        let offset = c.offset;
        assert_eq!(c.advance(u64::MAX - 5), None);
        assert_eq!((c.offset, c.peek(0)), (offset, target));
        // The offset alone fits but the clock (wall time + offset) would not.
        let mut c = Clock::default();
        assert_eq!(c.advance(u64::MAX - 1), None);
        assert_eq!(c.offset, 0);
    }
}
