//! Suricata 7.0.10's `FileTransferTracker` (`filetracker.rs`) for SMB files: chunks come with
//! their offset; the one at the file's current end is appended, one elsewhere waits in a queue
//! (an overlapping one never fits and is dropped), and the queue drains as the gap before it
//! fills. A new chunk while the last one is unfinished truncates the file.

use std::collections::BTreeMap;

/// Out-of-order bytes queued per file past which the file is truncated (Suricata queues up to
/// its 64 MiB `max-*-queue-size`; this bound is ours).
pub const MAX_OOO: u64 = 4 * 1024 * 1024;

#[derive(Debug, Default)]
pub struct FileTracker {
    /// Bytes placed in order (the file's size so far).
    pub tracked: u64,
    chunk_left: u32,
    chunk_is_ooo: bool,
    cur_ooo_offset: u64,
    /// Queued out-of-order chunks by offset.
    chunks: BTreeMap<u64, Vec<u8>>,
    cur_ooo: u64,
    in_flight: u64,
    open: bool,
    closed: bool,
    truncated: bool,
    /// Keep the first bytes for `file.data`.
    keep: bool,
    data: Vec<u8>,
}

impl FileTracker {
    pub fn new(keep: bool) -> Self {
        FileTracker {
            keep,
            ..Default::default()
        }
    }

    /// No open file (never opened, closed or truncated).
    pub fn is_done(&self) -> bool {
        !self.open
    }

    pub fn in_flight(&self) -> u64 {
        self.in_flight
    }

    pub fn in_flight_cnt(&self) -> usize {
        self.chunks.len()
    }

    pub fn queued(&self) -> u64 {
        self.cur_ooo
    }

    /// The file's first bytes kept for inspection.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    pub fn close(&mut self) {
        self.open = false;
        self.closed = true;
        self.tracked = 0;
    }

    pub fn trunc(&mut self) {
        if self.truncated || !self.open {
            return;
        }
        self.truncated = true;
        self.chunks.clear();
        self.in_flight = 0;
        self.cur_ooo = 0;
    }

    fn append(&mut self, d: &[u8]) {
        if self.keep {
            let room = super::FILE_INSPECT_CAP.saturating_sub(self.data.len());
            self.data
                .extend_from_slice(d.get(..room.min(d.len())).unwrap_or_default());
        }
        self.tracked = self.tracked.saturating_add(d.len() as u64);
    }

    /// A new chunk of `size` bytes at `offset`, of which `data` is here.
    pub fn new_chunk(&mut self, data: &[u8], offset: u64, size: u32) -> u32 {
        if self.chunk_left != 0 {
            self.trunc();
        }
        if offset != self.tracked {
            self.chunk_is_ooo = true;
            self.cur_ooo_offset = offset;
        }
        self.chunk_left = size;
        if self.truncated || self.closed {
            return 0;
        }
        if !self.open {
            self.open = true;
        }
        self.update(data, 0)
    }

    fn queue(&mut self, d: &[u8]) {
        if self.cur_ooo.saturating_add(d.len() as u64) > MAX_OOO {
            self.trunc();
            return;
        }
        self.chunks
            .entry(self.cur_ooo_offset)
            .or_default()
            .extend_from_slice(d);
        self.cur_ooo = self.cur_ooo.saturating_add(d.len() as u64);
        self.in_flight = self.in_flight.saturating_add(d.len() as u64);
    }

    /// More bytes of the current chunk (`gap` > 0: they stand for lost bytes). Returns how
    /// many were used.
    pub fn update(&mut self, data: &[u8], gap: u32) -> u32 {
        let _ = gap;
        if self.truncated {
            let used = (data.len() as u32).min(self.chunk_left);
            self.chunk_left = self.chunk_left.saturating_sub(data.len() as u32);
            return used;
        }
        if self.chunk_left == 0 {
            return 0;
        }
        if self.chunk_left as usize <= data.len() {
            let d = data.get(..self.chunk_left as usize).unwrap_or_default();
            if !self.chunk_is_ooo {
                self.append(d);
            } else {
                self.queue(d);
            }
            let used = self.chunk_left;
            self.chunk_left = 0;
            if !self.chunk_is_ooo {
                while let Some(c) = self.chunks.remove(&self.tracked) {
                    self.in_flight = self.in_flight.saturating_sub(c.len() as u64);
                    self.cur_ooo = self.cur_ooo.saturating_sub(c.len() as u64);
                    self.append(&c);
                }
            } else {
                self.chunk_is_ooo = false;
                self.cur_ooo_offset = 0;
            }
            used
        } else {
            if !self.chunk_is_ooo {
                self.append(data);
            } else {
                self.queue(data);
            }
            self.chunk_left = self.chunk_left.saturating_sub(data.len() as u32);
            data.len() as u32
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_order_chunks_append() {
        let mut t = FileTracker::new(true);
        assert_eq!(t.new_chunk(b"abc", 0, 5), 3);
        assert_eq!(t.update(b"dexx", 0), 2);
        assert_eq!(t.new_chunk(b"fg", 5, 2), 2);
        assert_eq!(t.data(), b"abcdefg");
        assert_eq!(t.tracked, 7);
        assert!(!t.is_done());
    }

    #[test]
    fn out_of_order_chunk_waits_and_overlap_is_lost() {
        let mut t = FileTracker::new(true);
        t.new_chunk(b"world", 5, 5);
        assert_eq!(t.data(), b"");
        assert_eq!(t.in_flight(), 5);
        t.new_chunk(b"hello", 0, 5);
        assert_eq!(t.data(), b"helloworld");
        assert_eq!(t.in_flight(), 0);
        // Overlap: queued at offset 2, which is never reached again.
        t.new_chunk(b"XX", 2, 2);
        assert_eq!(t.data(), b"helloworld");
        assert_eq!(t.in_flight_cnt(), 1);
    }

    #[test]
    fn unfinished_chunk_truncates() {
        let mut t = FileTracker::new(false);
        t.new_chunk(b"ab", 0, 10);
        t.new_chunk(b"cd", 2, 2);
        assert!(t.truncated);
        assert_eq!(t.data(), b"");
        t.close();
        assert!(t.is_done());
    }
}
