using System.Management.Automation;

namespace CowPages.Commands;

/// <summary>
/// A cmdlet that reads a snapshot as readily as the live kernel. Every cmdlet that looks at one moment is one;
/// Watch-ForkPages, which looks at time passing, is not, so it has no -SnapshotPath to offer what it cannot do.
/// </summary>
public abstract class SnapshotReaderCmdlet : CowPagesCmdlet
{
    /// <summary>
    /// Reads a snapshot file written by Save-CowSnapshot instead of the live kernel: the cmdlet then works on the
    /// snapshot's processes exactly as on live ones.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SnapshotPath { get; set; }

    private protected override string? SnapshotFile => SnapshotPath;
}
