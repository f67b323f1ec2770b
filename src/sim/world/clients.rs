//! Driving the clients (`sim::client::ClientPool`) in the world: starting their commands,
//! sending and retrying requests, and taking the answers nodes send them.
use super::World;
use crate::kv::{ClientId, Op};
use crate::paxos::Message;
use crate::sim::client::{random_op, Reaction};
use crate::sim::event::WorldEvent;

impl World {
    /// A person types `op` for client `client`: queued, and started at once if the client
    /// is idle.
    pub(super) fn submit(&mut self, client: ClientId, op: &Op) {
        let i = self.clients.index(client);
        debug_assert!(i.is_some(), "c{client} was validated");
        let Some(i) = i else {
            return;
        };
        if self.clients.queue(i, op.clone()) {
            self.client_next(i);
            return;
        }
        let c = &self.clients.clients()[i];
        if let Some(p) = &c.pending {
            self.observers.observe(WorldEvent::CommandQueued {
                client,
                op,
                behind: p.seq,
                ahead: c.queue.len() - 1,
            });
        }
    }

    /// Starts client `i`'s next command, if it is idle and has one.
    pub(super) fn client_next(&mut self, i: usize) {
        let (rng, config) = (&mut self.rng, &self.config);
        let Some(op) = self
            .clients
            .next_op(i, |client, seq| random_op(rng, config, client, seq))
        else {
            return;
        };
        let seq = self.clients.start(i, op);
        let client = &self.clients.clients()[i];
        if let Some(p) = &client.pending {
            self.observers.observe(WorldEvent::CommandSubmitted {
                client: client.id,
                seq,
                op: &p.op,
            });
        }
        self.client_send(i);
    }

    /// Sends client `i`'s pending command to its target (one more attempt).
    fn client_send(&mut self, i: usize) {
        if let Some(env) = self
            .clients
            .request(i, self.now, self.config.client_retry_ticks)
        {
            self.send(env);
        }
    }

    /// Client `client` heard nothing in time: it tries the next proposer.
    pub(super) fn client_retry(&mut self, client: ClientId) {
        let Some(i) = self.clients.index(client) else {
            return;
        };
        if self.clients.clients()[i].pending.is_none() {
            return;
        }
        let target = self.clients.rotate(i, &self.client_targets());
        self.observers
            .observe(WorldEvent::ClientRetried { client, target });
        self.client_send(i);
    }

    /// Client `client` receives `msg` from a node.
    pub(super) fn client_receive(&mut self, client: ClientId, msg: Message) {
        let i = self.clients.index(client);
        debug_assert!(i.is_some(), "c{client} exists");
        let Some(i) = i else {
            return;
        };
        match self.clients.receive(i, msg) {
            Reaction::Answered { seq, op, result } => {
                self.observers.observe(WorldEvent::ClientAnswered {
                    client,
                    seq,
                    op: &op,
                    result: &result,
                });
                self.client_next(i);
            }
            Reaction::Redirected => self.client_send(i),
            Reaction::Refused => {
                self.clients.rotate(i, &self.client_targets());
            }
            Reaction::Ignored | Reaction::HintAlreadyFollowed => {}
        }
    }
}
