using System;
using System.Collections.Generic;
using System.Threading;
using CowPages.Map;
using CowPages.Reporting;
using CowPages.Sources;

namespace CowPages;

/// <summary>
/// The ForkComparison and ForkPage objects a picture cmdlet is given on the pipeline, kept until the end: a map's scale
/// depends on all of its ranges. Comparisons are kept per pair of processes, pages as runs.
/// </summary>
internal sealed class ForkInputs
{
    private readonly Dictionary<(int, int), List<ForkComparison>> _comparisons = new();
    private readonly List<(int, int)> _pairs = new();
    private readonly PageRuns _pages = new();

    /// <summary>Keeps <paramref name="input"/> if it is a ForkComparison or a ForkPage.</summary>
    internal bool TryAdd(object input)
    {
        switch (input)
        {
            case ForkComparison comparison:
                if (!_comparisons.TryGetValue((comparison.ReferenceId, comparison.DifferenceId), out List<ForkComparison>? list))
                {
                    list = new List<ForkComparison>();
                    _comparisons[(comparison.ReferenceId, comparison.DifferenceId)] = list;
                    _pairs.Add((comparison.ReferenceId, comparison.DifferenceId));
                }
                list.Add(comparison);
                return true;
            case ForkPage page:
                _pages.Add(page);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// One map per pair of processes, with the comparisons it was drawn from (null for pages). Comparisons are placed by
    /// reading their ranges again; when a process is gone, <paramref name="warn"/> hears so and the map spreads each
    /// range's counts evenly.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The shape's fixed scale is too fine for the ranges.</exception>
    internal IEnumerable<(CowMap Map, IReadOnlyList<ForkComparison>? Comparisons)> Maps(IProcfsSource source, MapShape shape,
        CmdletScanObserver observer, Action<string> warn, CancellationToken cancel)
    {
        foreach ((int, int) pair in _pairs)
        {
            List<ForkComparison> comparisons = _comparisons[pair];
            CowMap map;
            observer.Start($"Mapping process {pair.Item2} against {pair.Item1}");
            try
            {
                map = ForkMapAnalysis.MapRanges(source, comparisons, shape, observer, cancel);
            }
            catch (ProcfsException e)
            {
                warn($"{e.Message} The map of process {pair.Item2} against {pair.Item1} spreads each range's pages evenly: where they lie could not be read.");
                map = ForkMapAnalysis.FromCounts(comparisons, shape);
            }
            finally
            {
                observer.Complete();
            }
            yield return (map, comparisons);
        }
        foreach (CowMap map in _pages.Build(shape))
        {
            yield return (map, null);
        }
    }
}
