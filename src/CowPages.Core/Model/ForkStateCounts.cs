namespace CowPages;

/// <summary>Page counts per <see cref="ForkPageState"/>, accumulated without allocating.</summary>
public struct ForkStateCounts
{
    public ulong Shared;
    public ulong Zero;
    public ulong Copied;
    public ulong ReferenceOnly;
    public ulong DifferenceOnly;
    public ulong Swapped;
    public ulong NotPresent;

    public void Add(ForkPageState state)
    {
        switch (state)
        {
            case ForkPageState.Shared: Shared++; break;
            case ForkPageState.Zero: Zero++; break;
            case ForkPageState.Copied: Copied++; break;
            case ForkPageState.ReferenceOnly: ReferenceOnly++; break;
            case ForkPageState.DifferenceOnly: DifferenceOnly++; break;
            case ForkPageState.Swapped: Swapped++; break;
            default: NotPresent++; break;
        }
    }

    public readonly ulong Total => Shared + Zero + Copied + ReferenceOnly + DifferenceOnly + Swapped + NotPresent;
}
