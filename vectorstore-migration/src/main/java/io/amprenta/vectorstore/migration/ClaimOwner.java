package io.amprenta.vectorstore.migration;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.UUID;

/**
 * The name a run writes into the claims it holds, {@code host/pid/jvmToken.runToken} (e.g.
 * {@code worker-3/4711/9f2c1a0b.77d0e3aa}), and what can be concluded from another claimant's name: whether it is a
 * process of this host that has ended, whose batches can be taken over at once instead of after the lease.
 */
final class ClaimOwner {

    // Tells this JVM's runs apart from those of an earlier JVM that had the same PID.
    private static final String JVM_TOKEN = UUID.randomUUID().toString().substring(0, 8);

    private ClaimOwner() {
    }

    /** A new name for one run of this JVM. */
    static String newName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        String pid = String.valueOf(ManagementFactory.getRuntimeMXBean().getPid());
        return host.replace('/', '_') + "/" + pid + "/" + JVM_TOKEN + "." + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Whether {@code claimant} (a {@link #newName()}) names a process of the host {@code self} runs on that has
     * ended. Runs of one JVM share its PID and JVM token, and are alive while this one is. A claimant with this PID
     * but another JVM token is an ended JVM (a container's JVM is PID 1 at every start). A PID that another live
     * process holds now counts as alive, which at worst means waiting for the lease.
     */
    static boolean deadOnThisHost(String claimant, String self) {
        String[] claim = claimant.split("/");
        String[] mine = self.split("/");
        if (claim.length != 3 || mine.length != 3 || !claim[0].equals(mine[0])) {
            return false;
        }
        long pid;
        try {
            pid = Long.parseLong(claim[1]);
        } catch (NumberFormatException e) {
            return false;
        }
        if (claim[1].equals(mine[1])) {
            return !jvmToken(claim[2]).equals(jvmToken(mine[2]));
        }
        return ProcessHandle.of(pid).map(process -> !process.isAlive()).orElse(true);
    }

    private static String jvmToken(String lastPart) {
        int dot = lastPart.indexOf('.');
        return dot < 0 ? lastPart : lastPart.substring(0, dot);
    }
}
