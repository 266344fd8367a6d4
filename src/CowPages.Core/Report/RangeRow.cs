using CowPages.Map;

namespace CowPages.Report;

/// <summary>One row of the report's table of ranges: a ForkComparison's numbers, or a map range's.</summary>
public sealed record RangeRow(string Mapping, string Permissions, ulong Start, ulong End, ForkMappingSide MappedIn, ForkStateCounts Counts)
{
    public ulong Pages => PageGeometry.PageOf(End - Start);

    public ulong CopiedBytes => PageGeometry.Bytes(Counts.Copied);

    public ulong SharedBytes => PageGeometry.Bytes(Counts.Shared);

    public static RangeRow From(ForkComparison c) => new(c.Mapping, c.Permissions, c.Start, c.End, c.MappedIn, StateCounts.Of(c));

    public static RangeRow From(MapRange r) => new(r.Mapping, r.Permissions, r.Start, r.End, r.MappedIn, r.Counts);
}
