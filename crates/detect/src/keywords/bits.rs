//! `flowbits` and `flowint`: named per-flow state. Names are interned to small integers at
//! load; a flow keeps the set bits and integer values in short sorted vectors (bounded).

use super::{CompileError, Compiled, Cond};
use hashbrown::HashMap;
use rules::{BitCmd, Flowbits, Flowint, FlowintOp, NumArg};

/// Most flowbits / flowints one flow may hold (more are dropped and counted).
pub const MAX_PER_FLOW: usize = 256;

/// Name → id table shared by all rules.
#[derive(Debug, Default)]
pub struct BitNames {
    map: HashMap<String, u32>,
}

impl BitNames {
    pub fn id(&mut self, name: &str) -> u32 {
        let n = self.map.len() as u32;
        *self.map.entry(name.to_string()).or_insert(n)
    }
    pub fn len(&self) -> usize {
        self.map.len()
    }
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// What a matching rule does to its flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Post {
    Set(u32),
    Unset(u32),
    Toggle(u32),
    IntSet(u32, u32),
    IntAdd(u32, u32),
    IntSub(u32, u32),
}

pub fn compile_flowbits(f: &Flowbits, names: &mut BitNames, c: &mut Compiled) -> Result<(), CompileError> {
    let ids: Vec<u32> = f.names.iter().map(|n| names.id(n)).collect();
    match f.cmd {
        BitCmd::NoAlert => {}
        BitCmd::IsSet => c.conds.push(Cond::Flowbits {
            names: ids,
            isset: true,
        }),
        BitCmd::IsNotSet => c.conds.push(Cond::Flowbits {
            names: ids,
            isset: false,
        }),
        BitCmd::Set | BitCmd::Unset | BitCmd::Toggle => {
            for id in ids {
                c.post.push(match f.cmd {
                    BitCmd::Set => Post::Set(id),
                    BitCmd::Unset => Post::Unset(id),
                    _ => Post::Toggle(id),
                });
            }
        }
    }
    Ok(())
}

pub fn compile_flowint(f: &Flowint, names: &mut BitNames, c: &mut Compiled) -> Result<(), CompileError> {
    let id = names.id(&format!("\0int:{}", f.name));
    let value = match &f.value {
        None => 0,
        Some(NumArg::Value(v)) => {
            u32::try_from(*v).map_err(|_| CompileError::new("flowint", "value out of range"))?
        }
        Some(NumArg::Var(_)) => {
            return Err(CompileError::new("flowint", "variable values are not supported"))
        }
    };
    match f.op {
        FlowintOp::Set => c.post.push(Post::IntSet(id, value)),
        FlowintOp::Add => c.post.push(Post::IntAdd(id, value)),
        FlowintOp::Sub => c.post.push(Post::IntSub(id, value)),
        op => c.conds.push(Cond::Flowint { name: id, op, value }),
    }
    Ok(())
}

/// Flowbits and flowints of one flow.
#[derive(Debug, Default, Clone)]
pub struct FlowVars {
    bits: Vec<u32>,
    ints: Vec<(u32, u32)>,
    pub dropped: u64,
}

impl FlowVars {
    pub fn isset(&self, id: u32) -> bool {
        self.bits.binary_search(&id).is_ok()
    }
    pub fn set(&mut self, id: u32) {
        if let Err(i) = self.bits.binary_search(&id) {
            if self.bits.len() >= MAX_PER_FLOW {
                self.dropped += 1;
                return;
            }
            self.bits.insert(i, id);
        }
    }
    pub fn unset(&mut self, id: u32) {
        if let Ok(i) = self.bits.binary_search(&id) {
            self.bits.remove(i);
        }
    }
    pub fn int(&self, id: u32) -> Option<u32> {
        self.ints.iter().find(|(n, _)| *n == id).map(|(_, v)| *v)
    }
    fn int_mut(&mut self, id: u32) -> Option<&mut u32> {
        if let Some(i) = self.ints.iter().position(|(n, _)| *n == id) {
            return self.ints.get_mut(i).map(|(_, v)| v);
        }
        if self.ints.len() >= MAX_PER_FLOW {
            self.dropped += 1;
            return None;
        }
        self.ints.push((id, 0));
        self.ints.last_mut().map(|(_, v)| v)
    }

    pub fn apply(&mut self, p: Post) {
        match p {
            Post::Set(id) => self.set(id),
            Post::Unset(id) => self.unset(id),
            Post::Toggle(id) => {
                if self.isset(id) {
                    self.unset(id)
                } else {
                    self.set(id)
                }
            }
            Post::IntSet(id, v) => {
                if let Some(x) = self.int_mut(id) {
                    *x = v;
                }
            }
            Post::IntAdd(id, v) => {
                if let Some(x) = self.int_mut(id) {
                    *x = x.wrapping_add(v);
                }
            }
            Post::IntSub(id, v) => {
                if let Some(x) = self.int_mut(id) {
                    *x = x.wrapping_sub(v);
                }
            }
        }
    }

    pub fn flowint_match(&self, id: u32, op: FlowintOp, value: u32) -> bool {
        let cur = self.int(id);
        match op {
            FlowintOp::IsSet => cur.is_some(),
            FlowintOp::IsNotSet => cur.is_none(),
            _ => {
                let Some(c) = cur else { return false };
                match op {
                    FlowintOp::Eq => c == value,
                    FlowintOp::Ne => c != value,
                    FlowintOp::Lt => c < value,
                    FlowintOp::Lte => c <= value,
                    FlowintOp::Gt => c > value,
                    FlowintOp::Gte => c >= value,
                    _ => false,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_and_ints() {
        let mut v = FlowVars::default();
        v.apply(Post::Set(3));
        v.apply(Post::Set(1));
        assert!(v.isset(3) && v.isset(1) && !v.isset(2));
        v.apply(Post::Toggle(3));
        assert!(!v.isset(3));
        v.apply(Post::IntAdd(7, 2));
        v.apply(Post::IntAdd(7, 3));
        assert_eq!(v.int(7), Some(5));
        assert!(v.flowint_match(7, FlowintOp::Gt, 4));
        assert!(v.flowint_match(8, FlowintOp::IsNotSet, 0));
    }
}
