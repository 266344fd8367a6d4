namespace CowPages;

/// <summary>A half-open range of virtual addresses, [Start, End).</summary>
public readonly record struct AddressRange(ulong Start, ulong End)
{
    public override string ToString() => $"0x{Start:x}-0x{End:x}";
}
