// The test hook that stops a write at a named step: SDESK_CRASH_AT=STEP kills the process
// with SIGKILL when it reaches that step, so tests and the soak can prove that a kill at any
// point leaves the old or the new commit and a desk that the next command repairs.
#pragma once

namespace sdesk {

// The steps of one change, in order; SDESK_CRASH_AT names one of them.
inline constexpr const char* kWriteSteps[] = {
    "locked",    // the desk lock is held
    "objects",   // blobs, trees and the commit object are written
    "journal",   // the journal naming the change is written
    "ref",       // the branch has moved to the new commit
    "worktree",  // the work tree files are written
    "index",     // the index is written
    "done",      // the journal is removed, the lock not yet released
};

// Kills the process with SIGKILL when SDESK_CRASH_AT names this step.
void crash_point(const char* step);

}  // namespace sdesk
