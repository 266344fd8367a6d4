using System.Collections.Generic;
using System.Linq;

namespace CowPages.Reporting;

/// <summary>What a notice is about; a caller shows each kind once per command, except where it says otherwise.</summary>
public enum ScanNoticeKind
{
    /// <summary>PFNs and swap slots are hidden from this reader, so Pfn fields are empty.</summary>
    FramesHidden,
    /// <summary>Pages were compared or summarised by the pagemap's exclusive bit, which is approximate.</summary>
    ExclusiveBitMethod,
    /// <summary>Ranges of one process changed while it was read and were left out: shown for every process.</summary>
    RangesChanged,
    /// <summary>The kernel reports something wrongly, and the results were corrected for it.</summary>
    KernelQuirk,
}

/// <summary>A message for the user about a whole walk, with the process it concerns where there is one.</summary>
public sealed record ScanNotice(ScanNoticeKind Kind, int? ProcessId, string Message)
{
    /// <summary>True for the kinds a caller shows once per command; ranges that changed are news for every process.</summary>
    public bool OncePerCommand => Kind != ScanNoticeKind.RangesChanged;

    public static ScanNotice FramesHidden(int processId) => new(ScanNoticeKind.FramesHidden, processId,
        $"The kernel hides PFNs and swap offsets in /proc/{processId}/pagemap from callers without CAP_SYS_ADMIN, so " +
        "Pfn, SwapType and SwapOffset are null. The other bits are exact. Run as root to see frames.");

    public static ScanNotice RangesChanged(int processId, string pagemapPath, IReadOnlyList<AddressRange> ranges)
    {
        string list = string.Join(", ", ranges.Take(5));
        return new(ScanNoticeKind.RangesChanged, processId,
            $"process {processId}: {ranges.Count} range(s) were unmapped or replaced while {pagemapPath} was read, " +
            $"and were left out rather than reported as absent pages: {list}{(ranges.Count > 5 ? ", ..." : "")}");
    }
}
