Gem::Specification.new do |s|
  s.name = "greeting"
  s.version = "1.0.0"
  s.summary = "The greeting of stagec's Ruby example"
  s.authors = ["stagec examples"]
  s.license = "MIT"
  s.files = ["lib/greeting.rb"]
  s.require_paths = ["lib"]
end
