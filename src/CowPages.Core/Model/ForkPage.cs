using CowPages.Decoding;

namespace CowPages;

/// <summary>One virtual page compared between two processes. Output of Compare-ForkPages -PerPage.</summary>
public sealed class ForkPage
{
    internal ForkPage(int referenceId, int differenceId, ulong address, string mapping, ForkPageState state,
        PagemapWord reference, PagemapWord difference, bool framesVisible)
    {
        ReferenceId = referenceId;
        DifferenceId = differenceId;
        Address = address;
        Mapping = mapping;
        State = state;
        ReferencePfn = framesVisible && reference.Present ? reference.Pfn : null;
        DifferencePfn = framesVisible && difference.Present ? difference.Pfn : null;
        ReferenceRaw = reference.Raw;
        DifferenceRaw = difference.Raw;
    }

    public int ReferenceId { get; }

    public int DifferenceId { get; }

    public ulong Address { get; }

    public string Mapping { get; }

    public ForkPageState State { get; }

    /// <summary>The reference's frame; null when not present or when PFNs are hidden.</summary>
    public ulong? ReferencePfn { get; }

    /// <summary>The difference's frame; null when not present or when PFNs are hidden.</summary>
    public ulong? DifferencePfn { get; }

    /// <summary>The reference's raw pagemap word.</summary>
    public ulong ReferenceRaw { get; }

    /// <summary>The difference's raw pagemap word.</summary>
    public ulong DifferenceRaw { get; }
}
