using System.Collections.Generic;
using System.Linq;

namespace CowPages.Map;

/// <summary>
/// Gathers ForkPage objects (Compare-ForkPages -PerPage) as runs of neighbouring pages in one state, so that a map can
/// be drawn from them once all have arrived, without keeping a page's worth of memory per page. Ranges are the runs
/// of neighbouring pages of one mapping.
/// </summary>
public sealed class PageRuns
{
    private readonly Dictionary<(int, int), List<Run>> _pairs = new();
    private readonly List<(int ReferenceId, int DifferenceId)> _order = new();

    private sealed class Run
    {
        public Run(string mapping, ulong start, ForkPageState state)
        {
            Mapping = mapping;
            Start = start;
            End = start + PageGeometry.PageSize;
            State = state;
        }

        public string Mapping { get; }

        public ulong Start { get; }

        public ulong End { get; set; }

        public ForkPageState State { get; }
    }

    public void Add(ForkPage page) => Add(page.ReferenceId, page.DifferenceId, page.Mapping, page.Address, page.State);

    public void Add(int referenceId, int differenceId, string mapping, ulong address, ForkPageState state)
    {
        if (!_pairs.TryGetValue((referenceId, differenceId), out List<Run>? runs))
        {
            runs = new List<Run>();
            _pairs[(referenceId, differenceId)] = runs;
            _order.Add((referenceId, differenceId));
        }
        address &= ~(PageGeometry.PageSize - 1);
        if (runs.Count > 0 && runs[^1] is Run last && last.End == address && last.State == state && last.Mapping == mapping)
        {
            last.End += PageGeometry.PageSize;
            return;
        }
        runs.Add(new Run(mapping, address, state));
    }

    public bool IsEmpty => _order.Count == 0;

    /// <summary>One map per pair of processes, in the order the pairs first arrived.</summary>
    public IEnumerable<CowMap> Build(MapShape shape)
    {
        foreach ((int referenceId, int differenceId) in _order)
        {
            List<Run> runs = _pairs[(referenceId, differenceId)].OrderBy(r => r.Start).ToList();
            var ranges = new List<MapRange>();
            foreach (Run run in runs)
            {
                if (ranges.Count > 0 && ranges[^1] is MapRange last && last.End >= run.Start && last.Mapping == run.Mapping)
                {
                    if (run.End > last.End)
                    {
                        ranges[^1] = new MapRange(last.Mapping, "", last.Start, run.End, ForkMappingSide.Both);
                    }
                    continue;
                }
                ranges.Add(new MapRange(run.Mapping, "", run.Start, run.End, ForkMappingSide.Both));
            }
            var builder = new CowMapBuilder(referenceId, differenceId, ranges, shape);
            foreach (Run run in runs)
            {
                builder.Add(run.Start, PageGeometry.PageOf(run.End - run.Start), run.State);
            }
            yield return builder.Build(null);
        }
    }
}
