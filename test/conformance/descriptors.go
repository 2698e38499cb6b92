// Compares our .proto files (as a FileDescriptorSet) with the descriptors BuildKit's Go packages register.
package main

import (
	"fmt"
	"os"
	"strings"

	_ "github.com/moby/buildkit/api/types"
	_ "github.com/moby/buildkit/frontend/gateway/pb"
	_ "github.com/moby/buildkit/solver/errdefs"
	_ "github.com/moby/buildkit/solver/pb"
	_ "github.com/moby/buildkit/util/apicaps/pb"
	_ "github.com/tonistiigi/fsutil/types"
	_ "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

// Fields upstream has that we leave out on purpose; each must be reserved in our file.
var omitted = map[string]bool{
	"moby.buildkit.v1.frontend.ResolveImageConfigRequest.SourcePolicies": true,
	"moby.buildkit.v1.frontend.ResolveSourceMetaRequest.SourcePolicies":  true,
	"moby.buildkit.v1.frontend.SolveRequest.SourcePolicies":              true,
}

func checkDescriptors(path string) ([]string, error) {
	dt, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var set descriptorpb.FileDescriptorSet
	if err := proto.Unmarshal(dt, &set); err != nil {
		return nil, err
	}
	files, err := protodesc.NewFiles(&set)
	if err != nil {
		return nil, err
	}
	var problems []string
	count := 0
	files.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		if strings.HasPrefix(string(fd.Package()), "google.protobuf") {
			return true
		}
		walkMessages(fd.Messages(), func(m protoreflect.MessageDescriptor) {
			count++
			problems = append(problems, compareMessage(m)...)
		})
		walkEnums(fd, func(e protoreflect.EnumDescriptor) {
			count++
			problems = append(problems, compareEnum(e)...)
		})
		for i := 0; i < fd.Services().Len(); i++ {
			count++
			problems = append(problems, compareService(fd.Services().Get(i))...)
		}
		return true
	})
	fmt.Printf("checked %d messages, enums and services\n", count)
	return problems, nil
}

func walkMessages(ms protoreflect.MessageDescriptors, fn func(protoreflect.MessageDescriptor)) {
	for i := 0; i < ms.Len(); i++ {
		m := ms.Get(i)
		if m.IsMapEntry() {
			continue
		}
		fn(m)
		walkMessages(m.Messages(), fn)
	}
}

func walkEnums(fd protoreflect.FileDescriptor, fn func(protoreflect.EnumDescriptor)) {
	for i := 0; i < fd.Enums().Len(); i++ {
		fn(fd.Enums().Get(i))
	}
	walkMessages(fd.Messages(), func(m protoreflect.MessageDescriptor) {
		for i := 0; i < m.Enums().Len(); i++ {
			fn(m.Enums().Get(i))
		}
	})
}

func upstream(name protoreflect.FullName) (protoreflect.Descriptor, error) {
	return protoregistry.GlobalFiles.FindDescriptorByName(name)
}

func compareMessage(ours protoreflect.MessageDescriptor) []string {
	d, err := upstream(ours.FullName())
	if err != nil {
		return []string{fmt.Sprintf("message %s: not in buildkit: %v", ours.FullName(), err)}
	}
	theirs, ok := d.(protoreflect.MessageDescriptor)
	if !ok {
		return []string{fmt.Sprintf("%s: upstream is not a message", ours.FullName())}
	}
	var problems []string
	for i := 0; i < theirs.Fields().Len(); i++ {
		tf := theirs.Fields().Get(i)
		of := ours.Fields().ByNumber(tf.Number())
		if of == nil {
			if omitted[string(tf.FullName())] && ours.ReservedRanges().Has(tf.Number()) {
				continue
			}
			problems = append(problems, fmt.Sprintf("%s: missing field %s = %d", ours.FullName(), tf.Name(), tf.Number()))
			continue
		}
		if got, want := fieldShape(of), fieldShape(tf); got != want {
			problems = append(problems, fmt.Sprintf("%s field %d: ours %q, buildkit %q", ours.FullName(), tf.Number(), got, want))
		}
	}
	for i := 0; i < ours.Fields().Len(); i++ {
		of := ours.Fields().Get(i)
		if theirs.Fields().ByNumber(of.Number()) == nil {
			problems = append(problems, fmt.Sprintf("%s: extra field %s = %d", ours.FullName(), of.Name(), of.Number()))
		}
	}
	return problems
}

// fieldShape is everything about a field that affects the wire or the generated names.
func fieldShape(f protoreflect.FieldDescriptor) string {
	s := fmt.Sprintf("%s %s %s", f.Cardinality(), f.Kind(), f.Name())
	if f.Message() != nil {
		s += " " + string(f.Message().FullName())
	}
	if f.Enum() != nil {
		s += " " + string(f.Enum().FullName())
	}
	if o := f.ContainingOneof(); o != nil {
		s += " oneof " + string(o.Name())
	}
	if f.IsPacked() {
		s += " packed"
	}
	if f.IsMap() {
		s += " map<" + fieldShape(f.MapKey()) + "," + fieldShape(f.MapValue()) + ">"
	}
	return s
}

func compareEnum(ours protoreflect.EnumDescriptor) []string {
	d, err := upstream(ours.FullName())
	if err != nil {
		return []string{fmt.Sprintf("enum %s: not in buildkit: %v", ours.FullName(), err)}
	}
	theirs, ok := d.(protoreflect.EnumDescriptor)
	if !ok {
		return []string{fmt.Sprintf("%s: upstream is not an enum", ours.FullName())}
	}
	var problems []string
	if ours.Values().Len() != theirs.Values().Len() {
		problems = append(problems, fmt.Sprintf("%s: %d values, buildkit has %d", ours.FullName(), ours.Values().Len(), theirs.Values().Len()))
	}
	for i := 0; i < theirs.Values().Len(); i++ {
		tv := theirs.Values().Get(i)
		ov := ours.Values().ByName(tv.Name())
		if ov == nil || ov.Number() != tv.Number() {
			problems = append(problems, fmt.Sprintf("%s: value %s = %d missing or renumbered", ours.FullName(), tv.Name(), tv.Number()))
		}
	}
	return problems
}

func compareService(ours protoreflect.ServiceDescriptor) []string {
	d, err := upstream(ours.FullName())
	if err != nil {
		return []string{fmt.Sprintf("service %s: not in buildkit: %v", ours.FullName(), err)}
	}
	theirs, ok := d.(protoreflect.ServiceDescriptor)
	if !ok {
		return []string{fmt.Sprintf("%s: upstream is not a service", ours.FullName())}
	}
	shape := func(m protoreflect.MethodDescriptor) string {
		return fmt.Sprintf("%s(%t %s) returns (%t %s)", m.Name(), m.IsStreamingClient(), m.Input().FullName(), m.IsStreamingServer(), m.Output().FullName())
	}
	var problems []string
	if ours.Methods().Len() != theirs.Methods().Len() {
		problems = append(problems, fmt.Sprintf("%s: %d methods, buildkit has %d", ours.FullName(), ours.Methods().Len(), theirs.Methods().Len()))
	}
	for i := 0; i < theirs.Methods().Len(); i++ {
		tm := theirs.Methods().Get(i)
		om := ours.Methods().ByName(tm.Name())
		if om == nil {
			problems = append(problems, fmt.Sprintf("%s: missing method %s", ours.FullName(), tm.Name()))
		} else if shape(om) != shape(tm) {
			problems = append(problems, fmt.Sprintf("%s: ours %s, buildkit %s", ours.FullName(), shape(om), shape(tm)))
		}
	}
	return problems
}
