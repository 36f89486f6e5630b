module Greeting
  def self.hello(who)
    "hello from #{who}"
  end
end
