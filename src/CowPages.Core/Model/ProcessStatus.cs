namespace CowPages;

/// <summary>The few fields of <c>/proc/PID/status</c> the cmdlets need.</summary>
public sealed class ProcessStatus
{
    public ProcessStatus(string name, int parentId, char state, ulong? residentKiB)
    {
        Name = name;
        ParentId = parentId;
        State = state;
        ResidentKiB = residentKiB;
    }

    /// <summary>The command name (<c>comm</c>, at most 15 characters).</summary>
    public string Name { get; }

    /// <summary>PPid: the parent's PID, 0 for init and kthreadd.</summary>
    public int ParentId { get; }

    /// <summary>The one-letter state: R, S, D, Z (zombie), ...</summary>
    public char State { get; }

    /// <summary>VmRSS in KiB: how much of the process is resident; null for a kernel thread or zombie (no such line).</summary>
    public ulong? ResidentKiB { get; }
}
