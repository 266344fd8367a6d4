namespace CowPages;

/// <summary>One virtual page compared between two processes. Output of Compare-ForkPages -PerPage.</summary>
public sealed class ForkPage
{
    public ForkPage(int referenceId, int differenceId, ulong address, string mapping, ForkPageState state,
        ulong? referencePfn, ulong? differencePfn, ulong referenceRaw, ulong differenceRaw)
    {
        ReferenceId = referenceId;
        DifferenceId = differenceId;
        Address = address;
        Mapping = mapping;
        State = state;
        ReferencePfn = referencePfn;
        DifferencePfn = differencePfn;
        ReferenceRaw = referenceRaw;
        DifferenceRaw = differenceRaw;
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
