using System;
using System.Text;
using CowPages.Native;

namespace CowPages.Reading;

/// <summary>The few fields of <c>/proc/PID/status</c> the cmdlets need.</summary>
public sealed class ProcessStatus
{
    private ProcessStatus(string name, int parentId, char state)
    {
        Name = name;
        ParentId = parentId;
        State = state;
    }

    /// <summary>The command name (<c>comm</c>, at most 15 characters).</summary>
    public string Name { get; }

    /// <summary>PPid: the parent's PID, 0 for init and kthreadd.</summary>
    public int ParentId { get; }

    /// <summary>The one-letter state: R, S, D, Z (zombie), ...</summary>
    public char State { get; }

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
            }
        }
        if (name is null || parentId is null)
        {
            throw ProcfsException.Malformed(path, processId, "the Name or PPid line is missing");
        }
        return new ProcessStatus(name, parentId.Value, state);
    }
}
