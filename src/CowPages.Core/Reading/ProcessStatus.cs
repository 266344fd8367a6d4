using System;
using System.Text;
using CowPages.Native;

namespace CowPages.Reading;

/// <summary>The few fields of <c>/proc/PID/status</c> the cmdlets need.</summary>
public sealed class ProcessStatus
{
    private ProcessStatus(string name, int parentId, char state, ulong? residentKiB)
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

    public static ProcessStatus Read(int processId)
    {
        string path = $"/proc/{processId}/status";
        byte[] text;
        using (ProcfsFile file = ProcfsFile.Open(path, processId))
        {
            text = file.ReadToEnd();
        }
        return Parse(Encoding.UTF8.GetString(text), path, processId);
    }

    public static ProcessStatus Parse(string text, string path, int? processId)
    {
        string? name = null;
        int? parentId = null;
        char state = '?';
        ulong? residentKiB = null;
        foreach (string line in text.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon < 0)
            {
                continue;
            }
            string value = line[(colon + 1)..].Trim();
            switch (line[..colon])
            {
                case "Name":
                    name = value;
                    break;
                case "PPid":
                    parentId = int.TryParse(value, out int ppid) ? ppid
                        : throw ProcfsException.Malformed(path, processId, $"PPid '{value}' is not a number");
                    break;
                case "State":
                    state = value.Length > 0 ? value[0] : '?';
                    break;
                case "VmRSS":
                    // "1234 kB"; a line that does not parse is left out rather than failing the whole status.
                    int space = value.IndexOf(' ');
                    residentKiB = ulong.TryParse(space < 0 ? value : value[..space], out ulong kib) ? kib : null;
                    break;
            }
        }
        if (name is null || parentId is null)
        {
            throw ProcfsException.Malformed(path, processId, "the Name or PPid line is missing");
        }
        return new ProcessStatus(name, parentId.Value, state, residentKiB);
    }
}
