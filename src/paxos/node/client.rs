//! A client's request at a node (rule 8): the leader queues it for a slot, a proposer with
//! no leader runs for leader, any other node forwards it once or names the leader; a
//! proposer that stepped down hands the commands it held to the next leader.
use super::Node;
use crate::kv::OpResult;
use crate::paxos::bugs::Bug;
use crate::paxos::event::Event;
use crate::paxos::message::{Addr, Message};
use crate::paxos::proposer::Phase;
use crate::paxos::step::Ready;
use crate::paxos::value::Command;
use crate::paxos::NodeId;

impl Node {
    /// Rule 8: a client command reached this node. The leader queues it for a slot; a
    /// preparing proposer keeps it for when it leads; a proposer that knows no leader
    /// keeps it — and runs for leader at once if nobody ever ran, else leaves that to its
    /// election timer; others forward it once to the leader they know, or tell the client
    /// who to ask.
    pub(super) fn on_request(
        &mut self,
        from: Addr,
        command: Command,
        forwarded: bool,
        out: &mut Ready,
    ) {
        // Rule 12: the leader this node follows passed a command on: it handed off (it
        // was removed). It no longer leads, and this node, its successor, runs now.
        let handed_off = forwarded
            && self
                .follower
                .leader
                .is_some_and(|l| l != self.id && from == Addr::Node(l));
        if handed_off {
            self.follower.leader = None;
        }
        // Rule 12: a leader holding a lease answers a read alone.
        let Some(command) = self.read_locally(command, out) else {
            return;
        };
        let leader_known = self.follower.leader.is_some_and(|l| l != self.id);
        // Rule 12: a proposer removed from the configuration answers like a non-proposer,
        // unless it still leads the slots before the configuration without it.
        let may_run = self.may_run() || self.is_leader();
        if let Some(p) = self.proposer.as_mut().filter(|_| may_run) {
            let following = matches!(p.phase, Phase::Following);
            if !following || !leader_known {
                p.hold(command);
                if following {
                    // At the start nobody leads: run now rather than wait. Later, a
                    // proposer that knows no leader has just seen it step down or just
                    // restarted; running at once would cut short the election under way.
                    if p.max_round_seen == 0 || handed_off {
                        self.start_election(out);
                    }
                } else {
                    self.propose_queued(out);
                }
                return;
            }
        }
        match self.follower.leader {
            Some(leader) if leader != self.id && !forwarded => self.pass_on(command, leader, out),
            _ if self.proposer.is_some() && !may_run => {
                // Rule 12: a removed proposer hears from no leader any more.
                let Some(to) = self.removed_proposer_passes_to(from, forwarded, out) else {
                    let msg = Message::NotLeader {
                        seq: command.seq,
                        hint: self.another_proposer(),
                    };
                    self.send(Addr::Client(command.client), msg, out);
                    return;
                };
                self.pass_on(command, to, out);
            }
            hint => {
                let msg = Message::NotLeader {
                    seq: command.seq,
                    hint: hint.filter(|h| *h != self.id),
                };
                self.send(Addr::Client(command.client), msg, out);
            }
        }
    }

    /// Rule 12: where a proposer removed from the configuration passes a client's command,
    /// or `None` to refuse it with a hint. A command from the client itself goes to a
    /// proposer of the latest configuration it knows — and the client turned to it as one,
    /// so it may have been added back without knowing it yet: it asks. A command another
    /// node passed on to it means one of the two knows fewer decided configurations (the
    /// sender took this node for a member or a leader): each tells the other its commit
    /// index, so whichever is behind catches up (rule 9), and the command goes back to the
    /// sender only if the latest configuration this node knows names it a proposer.
    /// Otherwise it is refused: two nodes that pass a command to and fro would each believe
    /// the other a member, and once they have learned from each other they agree.
    fn removed_proposer_passes_to(
        &mut self,
        from: Addr,
        forwarded: bool,
        out: &mut Ready,
    ) -> Option<NodeId> {
        match from {
            Addr::Node(sender) if forwarded => {
                if sender == self.id {
                    return None;
                }
                self.tell_commit_index(sender, out);
                self.ask_to_catch_up(sender, out);
                self.latest_membership()
                    .is_proposer(sender)
                    .then_some(sender)
            }
            _ => {
                self.ask_whether_added(out);
                self.another_proposer()
            }
        }
    }

    /// Rule 8: a following proposer hands the commands it still holds (from before it
    /// stepped down) to the leader it just heard from.
    pub(super) fn forward_held_commands(&mut self, leader: NodeId, out: &mut Ready) {
        let Some(p) = self.proposer.as_mut() else {
            return;
        };
        if !matches!(p.phase, Phase::Following) || p.queue.is_empty() {
            return;
        }
        let held: Vec<Command> = p.queue.drain(..).collect();
        for command in held {
            if matches!(self.session_seen(&command), SessionSeen::Superseded) {
                continue;
            }
            self.pass_on(command, leader, out);
        }
    }

    /// Rule 8: passes a client's command on to `to`, the node believed to lead (once: it
    /// is marked forwarded).
    fn pass_on(&mut self, command: Command, to: NodeId, out: &mut Ready) {
        out.events.push(Event::Forwarded {
            client: command.client,
            seq: command.seq,
            leader: to,
        });
        let msg = Message::Request {
            command,
            forwarded: true,
        };
        self.send(Addr::Node(to), msg, out);
    }

    /// Rule 8: what this node's session table knows of `command` (nothing with the
    /// `no-dedup` bug, which skips the table).
    pub(super) fn session_seen(&self, command: &Command) -> SessionSeen {
        let session = self
            .replica
            .as_ref()
            .and_then(|r| r.sessions.get(&command.client));
        match session {
            _ if self.config.bug(Bug::NoDedup) => SessionSeen::New,
            Some(s) if command.seq < s.seq => SessionSeen::Superseded,
            Some(s) if command.seq == s.seq => SessionSeen::Applied(s.result.clone()),
            _ => SessionSeen::New,
        }
    }
}

/// Rule 8: a command as the session table sees it.
pub(super) enum SessionSeen {
    /// Not applied here yet.
    New,
    /// Applied here, with this answer: a retry is answered from the table.
    Applied(OpResult),
    /// Its client has since sent a later command, so it no longer waits for this one.
    Superseded,
}
