using System.Collections.Generic;
using System.Linq;
using CowPages.Sources;

namespace CowPages.Summary;

/// <summary>
/// Corrects an exclusive-bit summary with the kernel's own per-VMA accounting where the pagemap alone is wrong, for
/// the private anonymous VMAs the walk counted on their own:
/// <list type="bullet">
/// <item>PMD-mapped THPs: pagemap gives all 512 entries the exclusive bit of one page (6.15+, and before 6.11), while
/// smaps counts every 4 KiB page by its own map count. There, CowPrivate is smaps' Private_Clean + Private_Dirty and
/// CowShared the rest of its Anonymous.</item>
/// <item>Zero pages, where PAGEMAP_SCAN could not find them (before 6.7): smaps leaves them out of Anonymous, so the
/// walk's surplus over it is zero pages, which were counted as shared.</item>
/// </list>
/// </summary>
internal static class KernelCorrections
{
    internal static void Apply(IProcessSource process, SummaryGroups groups, IReadOnlyList<SmapsEntry> smaps, bool byMapping, bool zeroKnown)
    {
        bool anyHugePages = smaps.Any(e => e["AnonHugePages"] > 0);
        IReadOnlyList<SmapsEntry>? perVma = byMapping ? smaps
            : anyHugePages ? process.ReadSmaps()
            : null;
        if (perVma is not null)
        {
            foreach (SmapsEntry entry in perVma)
            {
                if (!groups.HasVma(entry.Start))
                {
                    continue;
                }
                ref CowCounters vma = ref groups.Vma(entry.Start);
                ulong anonymous = PageGeometry.PageOf(entry["Anonymous"]);
                if (!zeroKnown && vma.Anonymous > anonymous)
                {
                    vma.MoveSharedToZero(vma.Anonymous - anonymous);
                }
                if (entry["AnonHugePages"] > 0)
                {
                    vma.SetSplit(anonymous, PageGeometry.PageOf(entry["Private_Clean"] + entry["Private_Dirty"]));
                }
            }
        }
        groups.FoldVmas();
        if (!zeroKnown && perVma is null && groups.Count > 0)
        {
            // Totals only: the surplus over smaps_rollup's Anonymous is the zero pages.
            ref CowCounters total = ref groups[0];
            ulong anonymous = PageGeometry.PageOf(smaps[0]["Anonymous"]);
            if (total.Anonymous > anonymous)
            {
                total.MoveSharedToZero(total.Anonymous - anonymous);
            }
        }
    }
}
