//! Why the simulated world did what it did: for each narrated [`WorldEvent`] that is not a
//! node's protocol step (those are [`crate::paxos::explain`]'s), one or two sentences naming
//! the part of the model behind it — the asynchronous network, crash-recovery, simulated
//! time, the clients — and what the protocol does about it. The page shows them under
//! "why?" like the rules' reasons.
use super::event::WorldEvent;
use crate::paxos::Addr;

/// The reason for a narrated world event, if the narration has a line for it.
pub fn why(event: &WorldEvent) -> Option<String> {
    let text = match event {
        WorldEvent::Tick { now } => format!(
            "Nothing was due sooner: the simulator moves time forward only when no message or \
             timer is due, straight to the next thing that is (tick {now}). No run waits for nothing."
        ),
        WorldEvent::TimerFiredByHand { .. } => "You fired it early. A timer only bounds how \
             long a node waits, so firing one early is like a fast clock or a slow network: the \
             protocol must stay safe, and it does."
            .into(),
        WorldEvent::Delivered { .. } => "It was in flight and its receiver is reachable. The \
             network is asynchronous: any message may arrive at any time and in any order, so \
             the protocol relies on no timing for safety. This one was chosen by you or by the \
             seeded scheduler."
            .into(),
        WorldEvent::Unreachable { env, .. } => {
            let who = match env.to {
                Addr::Node(n) => format!("n{n}"),
                Addr::Client(c) => format!("c{c}"),
            };
            format!(
                "{who} is crashed or on the other side of a partition, so the message is lost, \
                 as in a real network. Nobody waits for it: timers and retries resend what matters."
            )
        }
        WorldEvent::Dropped { .. } => "The network may lose any message. Paxos stays safe with \
             any loss; it makes progress again once messages get through, because election and \
             client retry timers resend."
            .into(),
        WorldEvent::Duplicated { .. } => "The network may deliver a message more than once. \
             Each step is idempotent (a second Promise or Accepted from the same acceptor counts \
             once; a repeated command is answered from the session table), so a copy changes \
             nothing."
            .into(),
        _ => return why_fault_or_setting(event),
    };
    Some(text)
}

fn why_fault_or_setting(event: &WorldEvent) -> Option<String> {
    let text = match event {
        WorldEvent::Crashed { .. } => {
            "Nodes may crash at any moment and come back (crash-recovery). \
             What was only in memory is gone: its role, the votes it was counting, messages to it. \
             What it wrote to disk before answering (its promise, accepted values, snapshot) stays."
                .into()
        }
        WorldEvent::Restarted { .. } => "It reloads its disk: every promise and accepted value \
             it reported before still binds it, so nothing it told others becomes untrue. It knows \
             no leader, and follows the first one it hears from or runs when its timer fires."
            .into(),
        WorldEvent::Partitioned { .. } | WorldEvent::RandomPartition { .. } => "The network \
             can split: messages between the groups are lost until it heals. A side with a \
             majority of acceptors can still decide; a side without one cannot decide anything."
            .into(),
        WorldEvent::Healed { .. } => "Messages flow between all nodes again. Heartbeats, \
             elections and catch-up bring the nodes that were cut off up to date."
            .into(),
        WorldEvent::NetworkChanged { .. } => "You changed how often the network loses and \
             copies messages and how late it delivers them. Safety does not depend on these; only \
             how fast the run makes progress does."
            .into(),
        WorldEvent::BugSwitched { .. } => "An injected bug breaks one rule of the protocol on \
             purpose, so you can watch which invariant that rule protects break."
            .into(),
        WorldEvent::FaultsEnded => "From now on no message is lost and no node crashes. A \
             correct Multi-Paxos then elects one leader and answers every pending command within \
             a bounded time; the liveness check measures it."
            .into(),
        _ => return why_client(event),
    };
    Some(text)
}

fn why_client(event: &WorldEvent) -> Option<String> {
    let text = match event {
        WorldEvent::ClientRetried { .. } => "No answer came before its retry timer fired, so it \
             sends the same command, with the same id, to another server. The replicas' session \
             table makes sure a command sent twice is applied once."
            .into(),
        WorldEvent::ClientAnswered { .. } => "A replica answers once the command's slot is \
             decided and every slot before it applied, in log order: the answer comes from the \
             replicated state machine, so every replica would give the same one."
            .into(),
        WorldEvent::CommandSubmitted { .. } => "A client sends its command to the server it \
             believes leads; a server that does not lead tells it who does. Only a leader puts \
             commands in the log."
            .into(),
        WorldEvent::CommandQueued { .. } => "A client waits for the answer to one command before \
             it sends the next, so its commands take effect in the order it issued them."
            .into(),
        _ => return None,
    };
    Some(text)
}

/// Why the run is quiet, for the first line of the quiet summary.
pub const QUIET: &str = "Nothing is in flight and every client has its answer, so the run waits \
     for a timer, a fault or your next command.";
/// Why the summary's leader line matters.
pub const QUIET_LEADER: &str = "One leader at a time runs phase 2 for every command; phase 1 \
     ran once, when it took over. Without a leader the next election timer decides who runs.";
/// Why the decided order is final.
pub const QUIET_DECIDED: &str = "A decided slot never changes (agreement): every later leader \
     learns its value in phase 1 and proposes it again. This order is final.";
/// Why replicas agree.
pub const QUIET_REPLICAS: &str = "Replicas apply decided slots in log order, so two replicas \
     that applied the same number of slots hold the same state.";
