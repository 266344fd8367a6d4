using CowPages.Sources;
using CowPages.Walk;

namespace CowPages.Fork;

/// <summary>
/// The memory a comparison reads into: one chunk of pagemap words per side, and the runs PAGEMAP_SCAN reports. A
/// caller that compares pair after pair (a watch compares every child at every tick) hands the same buffers to each
/// <see cref="ForkComparer"/> instead of allocating them afresh; comparisons sharing them must run one at a time.
/// </summary>
public sealed class ForkBuffers
{
    /// <summary>Runs asked of PAGEMAP_SCAN per call and side (24 bytes each).</summary>
    internal const int ScanRuns = 1024;

    internal readonly ulong[] Reference = new ulong[ForkComparer.ChunkPages];
    internal readonly ulong[] Difference = new ulong[ForkComparer.ChunkPages];
    internal readonly PageRegion[] ReferenceRuns = new PageRegion[ScanRuns];
    internal readonly PageRegion[] DifferenceRuns = new PageRegion[ScanRuns];

    /// <summary>Which pages of the chunk are the zero page, per side, where PAGEMAP_SCAN had to say (no frames).</summary>
    internal readonly bool[] ReferenceZero = new bool[ForkComparer.ChunkPages];
    internal readonly bool[] DifferenceZero = new bool[ForkComparer.ChunkPages];

    /// <summary>The runs of zero pages PAGEMAP_SCAN reports, per side, for the comparers' zero-page finders.</summary>
    internal readonly PageRegion[] ReferenceZeroRuns = new PageRegion[ZeroPageFinder.Regions];
    internal readonly PageRegion[] DifferenceZeroRuns = new PageRegion[ZeroPageFinder.Regions];

    /// <summary>The union of both sides' runs, in address order: at most one per run of either side.</summary>
    internal readonly PageRegion[] Merged = new PageRegion[2 * ScanRuns];
}
